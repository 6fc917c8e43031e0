package io.daprguard.cli;

import java.util.List;

/**
 * The results for one input: a file, {@code <stdin>}, or a path that could not be read.
 *
 * @param file the path as given (files found in a directory: the directory as given, then the relative path)
 * @param objects every Kubernetes object found, in file order, reviewed or not
 * @param errors what could not be read or checked, in line order
 */
record FileReport(String file, List<ObjectReport> objects, List<InputError> errors) {

    FileReport {
        objects = List.copyOf(objects);
        errors = List.copyOf(errors);
    }

    FileReport audited() {
        return new FileReport(file, objects.stream().map(ObjectReport::audited).toList(), errors);
    }
}
