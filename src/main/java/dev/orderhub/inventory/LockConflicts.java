package dev.orderhub.inventory;

import java.util.function.Supplier;

import org.springframework.dao.PessimisticLockingFailureException;

/**
 * A count can meet a concurrent reservation in the opposite lock order; the database then
 * picks one transaction to fail. The caller's change is simply tried again.
 */
public final class LockConflicts {

    private static final int ATTEMPTS = 3;

    private LockConflicts() {
    }

    public static <T> T retry(Supplier<T> change) {
        for (int attempt = 1; ; attempt++) {
            try {
                return change.get();
            } catch (PessimisticLockingFailureException e) {
                if (attempt == ATTEMPTS) {
                    throw e;
                }
            }
        }
    }
}
