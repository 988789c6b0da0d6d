package io.lamina.cache.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.lamina.cache.spring.boot.LaminaCacheAutoConfiguration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** Annotated methods no proxy can intercept: warned about at startup, and a final one no longer fails with an NPE. */
@Timeout(30)
@ExtendWith(OutputCaptureExtension.class)
class UnproxyableMethodsTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(LaminaCacheAutoConfiguration.class));

    public static class FinalOnly {
        private final AtomicInteger calls = new AtomicInteger();

        @Cached(cache = "c", key = "#id")
        public final String find(long id) {
            return "v" + id + "-" + calls.incrementAndGet();
        }
    }

    public static class PrivateAndStatic {
        @Cached(cache = "c", key = "#id")
        private String hidden(long id) {
            return "h" + id;
        }

        @InvalidateTags("'t'")
        public static void everywhere() {
        }

        public String callsHidden(long id) {
            return hidden(id);
        }
    }

    public static class SelfCaller {
        @Cached(cache = "c", key = "#id")
        public String find(long id) {
            return "v" + id;
        }

        public String viaThis(long id) {
            return find(id);
        }
    }

    public static class NoSelfCall {
        @Cached(cache = "c", key = "#id")
        public String find(long id) {
            return "v" + id;
        }
    }

    @Test
    void selfInvokedCachedMethod_isWarnedAbout_namingTheCaller(CapturedOutput output) {
        runner.withBean(SelfCaller.class).withBean(NoSelfCall.class).run(context -> assertThat(context).hasNotFailed());
        assertThat(output.getAll()).contains("@Cached method " + SelfCaller.class.getName() + ".find is called from "
                + SelfCaller.class.getName() + ".viaThis through 'this'");
        assertThat(output.getAll()).doesNotContain(NoSelfCall.class.getName() + ".find is called from");
    }

    @Test
    void finalCachedMethod_runsOnTheBean_withoutAnNpe_andIsWarnedAbout(CapturedOutput output) {
        runner.withBean(FinalOnly.class).run(context -> {
            assertThat(context).hasNotFailed();
            FinalOnly bean = context.getBean(FinalOnly.class);
            assertThat(AopUtils.isAopProxy(bean)).as("nothing to intercept, so no proxy").isFalse();
            assertThat(bean.find(1)).isEqualTo("v1-1");
            assertThat(bean.find(1)).as("uncached, as warned").isEqualTo("v1-2");
        });
        assertThat(output.getAll()).contains("@Cached on final method " + FinalOnly.class.getName() + ".find is ignored");
    }

    @Test
    void privateAndStaticAnnotatedMethods_areWarnedAbout(CapturedOutput output) {
        runner.withBean(PrivateAndStatic.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(PrivateAndStatic.class).callsHidden(2)).isEqualTo("h2");
        });
        assertThat(output.getAll())
                .contains("@Cached on private method " + PrivateAndStatic.class.getName() + ".hidden is ignored")
                .contains("@InvalidateTags on static method " + PrivateAndStatic.class.getName() + ".everywhere is ignored");
    }
}
