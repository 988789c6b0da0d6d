package kotlin.coroutines;

/**
 * Stands in for Kotlin's {@code kotlin.coroutines.Continuation} (the tests have no Kotlin): a compiled
 * {@code suspend fun} is a Java method whose last parameter is one of these.
 */
public interface Continuation<T> {
}
