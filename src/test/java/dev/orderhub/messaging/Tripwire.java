package dev.orderhub.messaging;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.concurrent.atomic.AtomicInteger;

/** A class whose deserialisation is recorded: sent as an ObjectMessage, it must never be read. */
public class Tripwire implements Serializable {

    private static final long serialVersionUID = 1L;
    public static final AtomicInteger DESERIALISED = new AtomicInteger();

    private final String note;

    public Tripwire(String note) {
        this.note = note;
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        DESERIALISED.incrementAndGet();
        in.defaultReadObject();
    }

    @Override
    public String toString() {
        return "Tripwire " + note;
    }
}
