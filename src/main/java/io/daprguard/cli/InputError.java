package io.daprguard.cli;

/**
 * Something in an input that could not be checked: a file that cannot be read, a YAML or JSON syntax error, a
 * document that is not a Kubernetes object, an object whose fields have the wrong type.
 *
 * @param line the 1-based line the problem is at, or null when it concerns the whole file
 * @param message what is wrong, one line
 */
record InputError(Integer line, String message) {

    static InputError at(int line, String message) {
        return new InputError(line, message);
    }

    static InputError file(String message) {
        return new InputError(null, message);
    }
}
