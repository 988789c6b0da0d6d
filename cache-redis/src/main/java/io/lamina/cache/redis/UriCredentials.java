package io.lamina.cache.redis;

import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisCredentialsProvider;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StaticCredentialsProvider;

/**
 * A Redis URI's credentials through the API Lettuce 6.2+ and 7.x share. Lettuce 7 removed
 * {@code RedisURI.getUsername()/getPassword()/setUsername()/setPassword(char[])}, which Lettuce 6 has; the
 * credentials provider exists in both, so Lamina runs on the Lettuce each Spring Boot line manages.
 */
final class UriCredentials {

    private UriCredentials() {
    }

    /** The user name and password the URI carries ({@code redis://user:pass@...}); either may be null. */
    static RedisCredentials of(RedisURI uri) {
        RedisCredentialsProvider provider = uri.getCredentialsProvider();
        if (provider instanceof RedisCredentialsProvider.ImmediateRedisCredentialsProvider immediate) {
            RedisCredentials credentials = immediate.resolveCredentialsNow();
            if (credentials != null) {
                return credentials;
            }
        }
        return RedisCredentials.just(null, (char[]) null);
    }

    /** Replaces the URI's user name and/or password; a null argument keeps what the URI has. */
    static void override(RedisURI uri, String username, char[] password) {
        if (username == null && password == null) {
            return;
        }
        RedisCredentials current = of(uri);
        String user = username != null ? username : current.getUsername();
        char[] pass = password != null ? password : current.getPassword();
        uri.setCredentialsProvider(new StaticCredentialsProvider(user, pass));
    }

    static String username(RedisURI uri) {
        return of(uri).getUsername();
    }

    static String password(RedisURI uri) {
        char[] password = of(uri).getPassword();
        return password == null ? null : new String(password);
    }
}
