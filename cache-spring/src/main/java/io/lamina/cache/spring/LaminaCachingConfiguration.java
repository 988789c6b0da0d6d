package io.lamina.cache.spring;

import io.lamina.cache.CacheTemplate;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.ImportAware;
import org.springframework.context.annotation.Role;
import org.springframework.core.Ordered;
import org.springframework.core.type.AnnotationMetadata;

/**
 * The configuration imported by {@link EnableLaminaCaching}: the {@link LaminaCacheAdvisor} bean, as
 * infrastructure, over the context's {@link CacheTemplate}.
 */
@Configuration(proxyBeanMethods = false)
@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
public class LaminaCachingConfiguration implements ImportAware {

    private int order = Ordered.LOWEST_PRECEDENCE;
    private TransactionMode transactionMode = TransactionMode.BOTH;

    @Override
    public void setImportMetadata(AnnotationMetadata metadata) {
        Map<String, Object> attributes = metadata.getAnnotationAttributes(EnableLaminaCaching.class.getName());
        if (attributes != null && attributes.get("order") instanceof Integer o) {
            order = o;
        }
        if (attributes != null && attributes.get("transactionMode") instanceof TransactionMode m) {
            transactionMode = m;
        }
    }

    /** The advisor; the template is looked up on the first intercepted call. */
    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    public LaminaCacheAdvisor laminaCacheAdvisor(ObjectProvider<CacheTemplate> cacheTemplate) {
        LaminaCacheAdvisor advisor = new LaminaCacheAdvisor(cacheTemplate::getObject);
        advisor.setOrder(order);
        advisor.setTransactionMode(transactionMode);
        return advisor;
    }
}
