package io.daprguard.dapr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.daprguard.dapr.ComponentSchemas.Field;
import io.daprguard.dapr.ComponentSchemas.Known;
import io.daprguard.dapr.ComponentSchemas.Schema;
import io.daprguard.dapr.ComponentSchemas.UnknownType;
import io.daprguard.dapr.ComponentSchemas.UnknownVersion;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The bundled metadata schemas: readable, traceable, and looked up as the Dapr runtime looks components up. */
class ComponentSchemasTest {

    private static final ComponentSchemas SCHEMAS = ComponentSchemas.bundled();

    /** Fails the build when the resource is missing or unreadable, and shows where it came from. */
    @Test
    void theBundleIsReadableAndNamesItsSourceAndLicense() {
        ComponentSchemas loaded = ComponentSchemas.load();
        assertThat(loaded.size()).isEqualTo(141);
        assertThat(loaded.source().path("repository").asString()).isEqualTo("dapr/components-contrib");
        assertThat(loaded.source().path("ref").asString()).isEqualTo("v1.18.4");
        assertThat(loaded.source().path("commit").asString()).isEqualTo("58a792451a050605301ff05cdff5e6ff2ad79143");
        assertThat(loaded.source().path("license").asString()).isEqualTo("Apache-2.0");
        assertThat(loaded.release()).isEqualTo("components-contrib v1.18.4");
    }

    @Test
    void aBundleWithoutComponentsKnowsNoType() {
        ComponentSchemas empty = ComponentSchemas.parse(JsonMapper.builder().build().readTree("{}"));
        assertThat(empty.size()).isZero();
        assertThat(empty.lookup("state.redis", "v1")).isInstanceOf(UnknownType.class);
        assertThatThrownBy(() -> ComponentSchemas.parse(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void typesAliasesAndInitialVersionsAsTheRuntimeAcceptsThem() {
        assertThat(SCHEMAS.find("state.redis", "v1")).map(Schema::type).contains("state.redis");
        assertThat(SCHEMAS.find("State.Redis", "")).map(Schema::version).contains("v1");
        assertThat(SCHEMAS.find("state.redis", "v0")).isPresent();
        assertThat(SCHEMAS.find("state.postgres", "v2")).map(Schema::type).contains("state.postgresql");
        assertThat(SCHEMAS.find("pubsub.azure.servicebus", "v1")).map(Schema::type)
                .contains("pubsub.azure.servicebus.topics");
        assertThat(SCHEMAS.find("secretstores.aws.secretmanager", "v1")).isPresent();
        assertThat(SCHEMAS.find("middleware.http.oauth2", "v1")).isPresent();
        assertThat(SCHEMAS.lookup("state.redis", "v2")).isEqualTo(new UnknownVersion("state.redis",
                java.util.List.of("v1")));
        assertThat(SCHEMAS.lookup("state.rediss", "v1")).isEqualTo(new UnknownType(Optional.of("state.redis")));
        assertThat(SCHEMAS.lookup("state.orders-ledger", "v1")).isEqualTo(new UnknownType(Optional.empty()));
        assertThat(SCHEMAS.lookup("bindings.kafka", "v1")).isInstanceOf(Known.class);
    }

    @Test
    void fieldsComeFromTheComponentItsProfilesAndTheBuiltInProfilesItReferences() {
        Schema oss = SCHEMAS.find("bindings.alicloud.oss", "v1").orElseThrow();
        assertThat(oss.definitions("accessKeyID")).extracting(Field::sensitive).containsExactly(true);
        assertThat(oss.definitions("ACCESSKEYID")).hasSize(1);
        Schema s3 = SCHEMAS.find("bindings.aws.s3", "v1").orElseThrow();
        assertThat(s3.definitions("secretKey")).isNotEmpty().allMatch(Field::sensitive);
        Schema redis = SCHEMAS.find("state.redis", "v1").orElseThrow();
        assertThat(redis.definitions("azureClientSecret")).isNotEmpty().allMatch(Field::sensitive);
        assertThat(redis.definitions("keyPrefix")).extracting(Field::type).containsExactly("string");
        assertThat(redis.definitions("actorStateStore")).isNotEmpty();
        assertThat(redis.definitions("redisHots")).isEmpty();
        assertThat(ComponentSchemas.nearestField(redis, "redisHots")).contains("redisHost");
        assertThat(ComponentSchemas.nearestField(redis, "zzzzzz")).isEmpty();
        assertThat(SCHEMAS.find("conversation.deepseek", "v1").orElseThrow().definitions("maxTokens"))
                .extracting(Field::type, Field::sensitive).containsExactly(org.assertj.core.groups.Tuple.tuple(
                        "number", false));
    }

    /** The mechanisms of issue 22, each on the example the issue found it with, read back from the shipped bundle. */
    @Test
    void structTagAliasesAreReadAsTheFieldTheySpell() {
        Schema postgres = SCHEMAS.find("state.postgresql", "v1").orElseThrow();
        assertThat(postgres.reading("timeoutInSeconds")).isInstanceOf(ComponentSchemas.AliasOf.class);
        assertThat(postgres.canonical("timeoutInSeconds")).isEqualTo("timeout");
        assertThat(postgres.canonical("cleanupIntervalInSeconds")).isEqualTo("cleanupInterval");
        assertThat(SCHEMAS.find("bindings.rabbitmq", "v1").orElseThrow().canonical("ttlInSeconds")).isEqualTo("ttl");
        assertThat(postgres.aliases().get("timeoutinseconds").source())
                .startsWith("common/component/postgresql/v1/metadata.go:");
    }

    @Test
    void azureAliasTablesAreReadForTheComponentsThatUseThem() {
        Schema blob = SCHEMAS.find("bindings.azure.blobstorage", "v1").orElseThrow();
        assertThat(blob.canonical("storageAccountName")).isEqualTo("accountName");
        assertThat(blob.canonical("accessKey")).isEqualTo("accountKey");
        assertThat(blob.canonical("storageAccountContainer")).isEqualTo("containerName");
        assertThat(blob.definitions("accessKey")).isNotEmpty().allMatch(Field::sensitive);
        assertThat(SCHEMAS.find("state.redis", "v1").orElseThrow().reading("storageAccountName"))
                .isInstanceOf(ComponentSchemas.Unread.class);
    }

    @Test
    void namesTheRuntimeReadsForEveryComponentOfAKind() {
        Schema postgres = SCHEMAS.find("bindings.postgres", "v1").orElseThrow();
        assertThat(postgres.directions()).containsExactly("output");
        assertThat(postgres.reading("direction")).isInstanceOf(ComponentSchemas.Runtime.class);
        assertThat(((ComponentSchemas.Runtime) postgres.reading("Direction")).name().list()).isTrue();
        assertThat(SCHEMAS.find("state.sqlite", "v1").orElseThrow().reading("actorStateStore"))
                .isInstanceOf(ComponentSchemas.Runtime.class);
        assertThat(SCHEMAS.find("secretstores.kubernetes", "v1").orElseThrow().reading("direction"))
                .isInstanceOf(ComponentSchemas.Unread.class);
    }

    @Test
    void legacyNamesNameTheirReplacement() {
        Schema kafka = SCHEMAS.find("pubsub.kafka", "v1").orElseThrow();
        assertThat(kafka.reading("authRequired")).isInstanceOf(ComponentSchemas.LegacyName.class);
        assertThat(kafka.canonical("authRequired")).isEqualTo("authType");
        assertThat(kafka.legacy().get("authrequired").source()).contains("common/component/kafka/metadata.go");
    }

    @Test
    void requiredOnlyWhereTheComponentsCodeEnforcesIt() {
        Schema sendgrid = SCHEMAS.find("bindings.twilio.sendgrid", "v1").orElseThrow();
        assertThat(sendgrid.definitions("emailFrom")).extracting(Field::required).containsExactly(false);
        Schema cron = SCHEMAS.find("bindings.cron", "v1").orElseThrow();
        assertThat(cron.definitions("schedule")).extracting(Field::required).containsExactly(true);
        // a built-in profile's own fields are never required: the shared code falls back to the environment
        Schema gcp = SCHEMAS.find("pubsub.gcp.pubsub", "v1").orElseThrow();
        assertThat(gcp.profiles()).flatExtracting(ComponentSchemas.Profile::required).isEmpty();
    }

    @Test
    void versionsTheRuntimeRegistersForTheSameSchema() {
        assertThat(SCHEMAS.find("state.etcd", "v2")).map(Schema::type).contains("state.etcd");
        assertThat(SCHEMAS.source().path("runtimeRegistrations").path("ref").asString()).isEqualTo("v1.18.3");
    }
}
