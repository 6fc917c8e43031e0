package io.daprguard.cli;

/** The command line is wrong: an unknown option, a missing or bad value. Exit code 2, with the usage. */
final class UsageException extends Exception {

    UsageException(String message) {
        super(message);
    }
}
