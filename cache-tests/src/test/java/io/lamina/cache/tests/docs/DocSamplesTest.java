package io.lamina.cache.tests.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.CachedValue;
import io.lamina.cache.LockTimeoutPolicy;
import io.lamina.cache.ManualClock;
import io.lamina.cache.internal.ResolvedOptions;
import io.lamina.cache.tests.docs.boot.ProductService;
import io.lamina.cache.tests.docs.boot.ShopApplication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * House rule 15: every {@code ```java} block of README.md and docs/*.md is a copy of a region of compiled
 * sample code in this package ({@code // region NAME} ... {@code // endregion}), compared line by line with
 * each line trimmed and blank lines ignored. The samples that need no Redis are also run here.
 *
 * <p>Maven runs tests with the module as working directory, so the docs are at {@code ../docs}.
 */
@Timeout(60)
class DocSamplesTest {

    private static final Path ROOT = Path.of("..");
    private static final Path SAMPLES = Path.of("src/test/java/io/lamina/cache/tests/docs");

    // ---- every java block is a region of a compiled sample ---------------------------------------------

    @Test
    void everyJavaBlockInTheDocs_isARegionOfACompiledSample() {
        Map<String, List<String>> regions = regions(sampleSources());
        List<Block> blocks = new ArrayList<>();
        for (Path doc : docFiles()) {
            blocks.addAll(javaBlocks(ROOT.relativize(doc).toString(), read(doc)));
        }
        assertThat(blocks).as("```java blocks in README.md and docs/ (is the working directory the module?)").isNotEmpty();
        assertThat(unmatched(blocks, regions))
                .as("```java blocks that are not a region of a sample under " + SAMPLES
                        + " (copy the block into a region of compiling code, or the region into the doc)")
                .isEmpty();
    }

    @Test
    void theCheck_reportsABlockNoRegionHolds_andAcceptsACopyWithOtherIndentation() {
        Map<String, List<String>> regions = regions(Map.of("A.java", """
                class A {
                    void f() {
                        // region one
                        int x = 1;

                        int y = x + 1;
                        // endregion
                    }
                }
                """));
        List<Block> blocks = javaBlocks("doc.md", """
                # Doc
                ```java
                int x = 1;
                int y = x + 1;
                ```
                text
                ```java
                int x = 2;
                ```
                ```sh
                not java
                ```
                """);
        assertThat(blocks).hasSize(2);
        assertThat(unmatched(blocks, regions)).containsExactly("doc.md:7: int x = 2;");
    }

    @Test
    void theCheck_rejectsAnUnclosedRegion() {
        assertThatThrownBy(() -> regions(Map.of("B.java", "// region open\nint x;\n")))
                .hasMessageContaining("B.java").hasMessageContaining("open");
    }

    // ---- the samples that need no Redis, run ------------------------------------------------------------

    @Test
    void readmeQuickStart_loadsOnce_thenHitsL1_andTheTagInvalidatesIt() {
        ProductRepository repository = new ProductRepository();
        repository.save(new Product(7, 42, "mug"));
        try (CacheTemplate cache = ReadmeSamples.quickStart(repository, 7)) {
            assertThat(repository.queries()).isEqualTo(1);
            assertThat(cache.stats("products").l1Hits()).isEqualTo(1);
            cache.remember("products", 7L, Product.class, () -> repository.find(7));   // category:42 was invalidated
            assertThat(repository.queries()).isEqualTo(2);
        }
    }

    @Test
    void gettingStartedFirstTemplate_loadsEachKeyOnce_nullsIncluded() {
        ProductRepository repository = new ProductRepository();
        repository.save(new Product(42, 7, "teapot"));
        java.io.PrintStream original = System.out;
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            GettingStartedSamples.firstTemplate(repository);
        } finally {
            System.setOut(original);
        }
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("requests 4, L1 hits 2, loads 2");  // as the page says
        assertThat(repository.queries()).isEqualTo(2);
    }

    @Test
    void conceptsPenetration_nullIsCachedForItsNullTtlPlusJitter_orNotAtAll() {
        CacheOptions[] options = ConceptsSamples.penetration();
        ManualClock clock = new ManualClock();
        ProductRepository repository = new ProductRepository();
        try (CacheTemplate cache = CacheTemplate.builder().clock(clock)
                .cache("products", options[0]).cache("no-nulls", options[1]).build()) {
            cache.remember("products", 999L, Product.class, () -> repository.find(999L));
            CachedValue<Product> cached = cache.getIfPresent("products", 999L, Product.class);
            assertThat(cached).isNotNull();
            assertThat(cached.value()).isNull();
            clock.advance(Duration.ofSeconds(29));
            cache.remember("products", 999L, Product.class, () -> repository.find(999L));
            assertThat(repository.queries()).isEqualTo(1);
            clock.advance(Duration.ofSeconds(5));   // 34 s: past 30 s + at most 10 % jitter
            cache.remember("products", 999L, Product.class, () -> repository.find(999L));
            assertThat(repository.queries()).isEqualTo(2);

            cache.remember("no-nulls", 999L, Product.class, () -> repository.find(999L));
            cache.remember("no-nulls", 999L, Product.class, () -> repository.find(999L));
            assertThat(repository.queries()).isEqualTo(4);
        }
    }

    @Test
    void conceptsTags_invalidateTags_invalidatesTheEntryAndTheList() {
        ProductRepository repository = new ProductRepository();
        repository.save(new Product(1, 42, "mug"));
        repository.save(new Product(2, 42, "cup"));
        try (CacheTemplate cache = CacheTemplate.builder().build()) {
            assertThat(ConceptsSamples.tags(cache, repository, 1, 42)).isEqualTo(new Product(1, 42, "mug"));
            assertThat(repository.queries()).isEqualTo(2);
            assertThat(cache.getIfPresent("products", 1L, Product.class)).isNull();
            assertThat(cache.getIfPresent("category-pages", 42L, new io.lamina.cache.TypeRef<List<Product>>() {})).isNull();
        }
    }

    @Test
    void conceptsBatch_oneQueryForTheMisses_thenNone() {
        ProductRepository repository = new ProductRepository();
        repository.save(new Product(1, 42, "mug"));
        repository.save(new Product(2, 42, "cup"));
        try (CacheTemplate cache = CacheTemplate.builder().build()) {
            assertThat(ConceptsSamples.batch(cache, repository, List.of(2L, 1L, 3L)))
                    .containsExactly(Map.entry(2L, new Product(2, 42, "cup")), Map.entry(1L, new Product(1, 42, "mug")));
            assertThat(repository.queries()).as("one query for the page; the second call is served by L1").isEqualTo(1);
        }
    }

    @Test
    void conceptsLoadContext_doNotCache_returnsWithoutStoring() {
        ProductRepository repository = new ProductRepository();
        repository.save(new Product(3, 5, " "));
        try (CacheTemplate cache = CacheTemplate.builder().build()) {
            assertThat(ConceptsSamples.perLoad(cache, repository, 3)).isEqualTo(new Product(3, 5, " "));
            assertThat(cache.getIfPresent("products", 3L, Product.class)).isNull();
            ConceptsSamples.perLoad(cache, repository, 4);          // no such product: the null is cached
            assertThat(cache.getIfPresent("products", 4L, Product.class)).isEqualTo(new CachedValue<Product>(null));
        }
    }

    @Test
    void conceptsInvalidateKeys_runL1Only() {
        try (CacheTemplate cache = CacheTemplate.builder().build()) {
            for (long id = 1; id <= 3; id++) {
                cache.put("products", id, new Product(id, 42, "p" + id));
            }
            ConceptsSamples.invalidateKeys(cache, List.of(1L, 2L));
            assertThat(cache.getIfPresent("products", 1L, Product.class)).isNull();
            assertThat(cache.getIfPresent("products", 2L, Product.class)).isNull();
            assertThat(cache.getIfPresent("products", 3L, Product.class)).isNotNull();
        }
    }

    @Test
    void conceptsWrites_runL1Only() {
        try (CacheTemplate cache = CacheTemplate.builder().build()) {
            Product mug = new Product(1, 42, "mug");
            ConceptsSamples.writes(cache, mug);
            assertThat(cache.getIfPresent("products", 1L, Product.class)).isNull();
            assertThat(cache.stats("products").puts()).isEqualTo(2);
        }
    }

    @Test
    void optionSamples_build_andResolveAsConfigurationMdSays() {
        assertThat(ConceptsSamples.breakdown().onLockTimeout()).contains(LockTimeoutPolicy.STALE);
        assertThat(ConceptsSamples.avalanche().refreshAhead()).contains(0.8);
        assertThat(ConfigurationSamples.everyOption().maximumSize()).contains(10_000L);
        assertThat(OperationsSamples.byWeight().maximumWeight()).contains(64L * 1024 * 1024);

        ResolvedOptions builtIn = ResolvedOptions.resolve(CacheOptions.inherit(), CacheOptions.inherit());
        assertThat(builtIn.ttl()).isEqualTo(Duration.ofMinutes(10));
        assertThat(builtIn.nullTtl()).isEqualTo(Duration.ofSeconds(30));
        assertThat(builtIn.cacheNulls()).isTrue();
        assertThat(builtIn.jitter()).isNull();                        // 10 % of each TTL
        assertThat(builtIn.maximumSize()).isEqualTo(10_000);
        assertThat(builtIn.maximumWeight()).isZero();
        assertThat(builtIn.l1Ttl()).isNull();                         // L1 only: the entry's TTL
        assertThat(builtIn.refreshAfter()).isNull();
        assertThat(builtIn.refreshAhead()).isZero();
        assertThat(builtIn.failSafe()).isZero();
        assertThat(builtIn.failSafeThrottle()).isEqualTo(Duration.ofSeconds(30));
        assertThat(builtIn.softTimeout()).isNull();
        assertThat(builtIn.hardTimeout()).isNull();
        assertThat(builtIn.lockWait()).isEqualTo(Duration.ofSeconds(3));
        assertThat(builtIn.onLockTimeout()).isEqualTo(LockTimeoutPolicy.LOAD);
        assertThat(builtIn.l1Enabled()).isTrue();
        assertThat(ResolvedOptions.resolve(CacheOptions.inherit(), CacheOptions.inherit(), true).l1Ttl())
                .isEqualTo(Duration.ofMinutes(1));                    // with a remote tier
        assertThat(ResolvedOptions.resolve(CacheOptions.builder().ttl(Duration.ofSeconds(20)).build(),
                CacheOptions.inherit()).nullTtl()).isEqualTo(Duration.ofSeconds(10));  // half the TTL, at most 30 s

        CacheOptions defaults = CacheOptions.builder().ttl(Duration.ofMinutes(10)).failSafe(Duration.ofHours(1)).build();
        ResolvedOptions products = ResolvedOptions.resolve(CacheOptions.builder().ttl(Duration.ofMinutes(30)).build(), defaults);
        assertThat(products.ttl()).isEqualTo(Duration.ofMinutes(30));
        assertThat(products.failSafe()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void templateSamples_build_andRequireDeclaredCachesRejectsAnUnknownName() {
        try (CacheTemplate cache = ConfigurationSamples.inheritance()) {
            assertThat(cache.cacheNames()).contains("products", "prices");
        }
        try (CacheTemplate cache = ConfigurationSamples.everyTemplateOption()) {
            assertThat(cache.namespace()).isEqualTo("shop");
            assertThatThrownBy(() -> cache.remember("orders", 1L, Product.class, () -> null))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        try (CacheTemplate cache = CacheTemplate.builder().cache("products", OperationsSamples.byWeight()).build()) {
            cache.put("products", 1L, new Product(1, 2, "mug"));
            assertThat(cache.getIfPresent("products", 1L, Product.class)).isEqualTo(new CachedValue<>(new Product(1, 2, "mug")));
        }
    }

    /** operations.md, "Upgrades": what a changed class shape does to entries already in Redis. */
    record ProductV1(long id, String name) {
    }

    record ProductV2(long id, String name, String colour) {
    }

    @Test
    void jsonCodec_anAddedPropertyDecodesAsItsDefault_aRemovedOneIsAMiss() {
        io.lamina.cache.spi.JsonCodec codec = io.lamina.cache.spi.JsonCodec.create();
        byte[] v1 = codec.encode(new ProductV1(1, "mug"), ProductV1.class);
        assertThat(codec.decode(v1, ProductV2.class)).isEqualTo(new ProductV2(1, "mug", null));
        byte[] v2 = codec.encode(new ProductV2(1, "mug", "red"), ProductV2.class);
        assertThatThrownBy(() -> codec.decode(v2, ProductV1.class)).isInstanceOf(io.lamina.cache.spi.CodecException.class);
    }

    @Test
    void gettingStartedBootService_cachesNullsAndInvalidatesByKeyAndTag() {
        ProductRepository repository = new ProductRepository();
        repository.save(new Product(1, 7, "mug"));
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(ShopApplication.class)
                .web(WebApplicationType.NONE)
                .initializers(ctx -> ctx.getBeanFactory().registerSingleton("productRepository", repository))
                .properties("lamina.cache.namespace=shop", "lamina.cache.caches.products.ttl=30m",
                        "lamina.cache.caches.products.null-ttl=30s", "spring.main.banner-mode=off")
                .run()) {
            ProductService service = context.getBean(ProductService.class);
            assertThat(service.find(1)).isEqualTo(new Product(1, 7, "mug"));
            assertThat(service.find(1)).isEqualTo(new Product(1, 7, "mug"));
            assertThat(service.find(99)).isNull();
            assertThat(service.find(99)).isNull();
            assertThat(repository.queries()).isEqualTo(2);

            service.update(new Product(1, 8, "big mug"));          // the category changed: the key invalidation matters
            assertThat(service.find(1)).isEqualTo(new Product(1, 8, "big mug"));
            service.delete(1);
            assertThat(service.find(1)).isNull();
            assertThat(repository.queries()).isEqualTo(4);
        }
    }

    // ---- the check itself --------------------------------------------------------------------------------

    /** A ```java block: where it starts and its lines, trimmed, blank ones dropped. */
    record Block(String file, int line, List<String> lines) {
        String name() {
            return file + ":" + line + ": " + (lines.isEmpty() ? "(empty block)" : lines.get(0));
        }
    }

    /** The blocks no region equals, named by file, line of the opening fence and first line. */
    static List<String> unmatched(List<Block> blocks, Map<String, List<String>> regions) {
        List<String> missing = new ArrayList<>();
        for (Block block : blocks) {
            if (!regions.containsValue(block.lines())) {
                missing.add(block.name());
            }
        }
        return missing;
    }

    /** The ```java blocks of one Markdown text. */
    static List<Block> javaBlocks(String file, String markdown) {
        List<Block> blocks = new ArrayList<>();
        String[] lines = markdown.split("\\R", -1);
        List<String> current = null;
        String fence = null;
        int start = 0;
        for (int i = 0; i < lines.length; i++) {
            String t = lines[i].trim();
            if (fence == null) {
                if (t.startsWith("```") || t.startsWith("~~~")) {
                    fence = t.substring(0, 3);
                    String info = t.substring(3).trim();
                    current = info.equals("java") || info.startsWith("java ") ? new ArrayList<>() : null;
                    start = i + 1;
                }
            } else if (t.equals(fence)) {
                if (current != null) {
                    blocks.add(new Block(file, start, List.copyOf(current)));
                }
                fence = null;
                current = null;
            } else if (current != null && !t.isEmpty()) {
                current.add(t);
            }
        }
        if (fence != null) {
            throw new AssertionError(file + ":" + start + ": code block never closed");
        }
        return blocks;
    }

    /**
     * The regions of the sample sources, by "file#name": the lines between {@code // region NAME} and its
     * {@code // endregion}, trimmed, blank ones dropped. Regions may nest; marker lines are never content.
     */
    static Map<String, List<String>> regions(Map<String, String> sources) {
        Map<String, List<String>> regions = new LinkedHashMap<>();
        for (Map.Entry<String, String> source : sources.entrySet()) {
            Deque<String> open = new ArrayDeque<>();
            Map<String, List<String>> lines = new LinkedHashMap<>();
            String[] text = source.getValue().split("\\R", -1);
            for (int i = 0; i < text.length; i++) {
                String t = text[i].trim();
                String where = source.getKey() + ":" + (i + 1);
                if (t.startsWith("// region ")) {
                    String name = source.getKey() + "#" + t.substring("// region ".length()).trim();
                    if (lines.containsKey(name) || regions.containsKey(name)) {
                        throw new AssertionError(where + ": region " + name + " declared twice");
                    }
                    open.push(name);
                    lines.put(name, new ArrayList<>());
                } else if (t.equals("// endregion") || t.startsWith("// endregion ")) {
                    if (open.isEmpty()) {
                        throw new AssertionError(where + ": endregion without a region");
                    }
                    String name = open.pop();
                    regions.put(name, List.copyOf(lines.remove(name)));
                } else if (!t.isEmpty()) {
                    for (String name : open) {
                        lines.get(name).add(t);
                    }
                }
            }
            if (!open.isEmpty()) {
                throw new AssertionError(source.getKey() + ": region(s) never closed: " + open);
            }
        }
        return regions;
    }

    private static Map<String, String> sampleSources() {
        try (Stream<Path> files = Files.walk(SAMPLES)) {
            Map<String, String> sources = new LinkedHashMap<>();
            files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> !p.getFileName().toString().equals("DocSamplesTest.java"))   // its own self-test text
                    .sorted()
                    .forEach(p -> sources.put(SAMPLES.relativize(p).toString(), read(p)));
            return sources;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> docFiles() {
        List<Path> files = new ArrayList<>();
        files.add(ROOT.resolve("README.md"));
        try (Stream<Path> docs = Files.walk(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
