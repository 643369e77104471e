package dev.orderhub.order;

import java.util.List;

/** Order input that cannot be accepted; the message names every field and what is wrong with it. */
public class InvalidOrderException extends RuntimeException {

    private final List<String> problems;

    public InvalidOrderException(List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public InvalidOrderException(String problem) {
        this(List.of(problem));
    }

    public List<String> problems() {
        return problems;
    }
}
