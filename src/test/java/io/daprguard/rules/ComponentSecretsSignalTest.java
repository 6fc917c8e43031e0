package io.daprguard.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.daprguard.dapr.ComponentSchemas;
import io.daprguard.dapr.ComponentSchemas.Field;
import io.daprguard.dapr.ComponentSchemas.Schema;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Which signal makes a Component metadata item a secret. The second signal (a name pattern on a text field the
 * schema leaves unmarked) is listed exactly for the bundled schemas, so that a regenerated bundle shows what changed.
 */
class ComponentSecretsSignalTest {

    private static final ComponentSchemas SCHEMAS = ComponentSchemas.bundled();

    private static Optional<String> signal(String type, String name) {
        return ComponentSecretsRule.signal(SCHEMAS.find(type, "v1"), name, SecretNames.DEFAULT);
    }

    @Test
    void theSchemaDecidesForKnownTypes() {
        assertThat(signal("bindings.alicloud.oss", "accessKeyID")).contains(
                "sensitive in Dapr's bindings.alicloud.oss schema");
        assertThat(signal("state.redis", "redisPassword")).contains("sensitive in Dapr's state.redis schema");
        assertThat(signal("state.redis", "azureClientSecret")).contains("sensitive in Dapr's state.redis schema");
        assertThat(signal("conversation.deepseek", "maxTokens")).isEmpty();
        assertThat(signal("secretstores.aws.secretmanager", "multipleKeyValuesPerSecret")).isEmpty();
        assertThat(signal("state.couchbase", "password")).contains(
                "named like a secret; Dapr's state.couchbase schema leaves it unmarked");
        assertThat(signal("pubsub.pulsar", "oauth2TokenCAPEM")).isEmpty();
    }

    /** A spelling the component's code reads for a sensitive field is as secret as the field. */
    @Test
    void anAliasOfASensitiveFieldIsSensitive() {
        assertThat(signal("bindings.azure.blobstorage", "accessKey")).contains(
                "sensitive in Dapr's bindings.azure.blobstorage schema");
        assertThat(signal("bindings.azure.blobstorage", "storageAccessKey")).contains(
                "sensitive in Dapr's bindings.azure.blobstorage schema");
        assertThat(signal("state.redis", "primaryEncryptionKey")).contains("named like a secret");
    }

    @Test
    void namePatternsForUnknownNamesAndTypes() {
        assertThat(signal("conversation.openai", "maxTokens")).isEmpty();
        assertThat(signal("conversation.openai", "apiKey")).contains("named like a secret");
        assertThat(signal("state.orders-ledger", "apiToken")).contains("named like a secret");
        assertThat(signal("state.orders-ledger", "keyPrefix")).isEmpty();
    }

    /** Every (type, name) of the bundle where only the second signal fires. */
    @Test
    void theSecondSignalFiresOnTheseUnmarkedTextFields() {
        TreeSet<String> names = new TreeSet<>();
        for (String type : types()) {
            Schema schema = SCHEMAS.find(type, "v1").orElseThrow();
            for (String name : schema.names()) {
                if (schema.definitions(name).stream().noneMatch(Field::sensitive)
                        && ComponentSecretsRule.signal(Optional.of(schema), name, SecretNames.DEFAULT).isPresent()) {
                    names.add(name);
                }
            }
        }
        assertThat(names).containsExactly("MTLSClientKey", "accessKey", "accessKeySecret", "accountToken",
                "aclToken", "authToken", "awsAccessKey", "clientKey", "connectionString", "key", "password",
                "primaryEncryptionKey", "privateKey", "private_key", "schemaRegistryAPIKey", "schemaRegistryAPISecret", "secondaryEncryptionKey", "secret",
                "secretAccessKey", "secretId", "secretKey", "securityToken", "serverToken", "storageAccountKey",
                "storageConnectionString", "tlsClientKey", "tls_client_key", "token", "vaultToken");
    }

    private static TreeSet<String> types() {
        TreeSet<String> types = new TreeSet<>();
        for (String probe : new String[] {"bindings", "configuration", "conversation", "crypto", "lock",
                "middleware", "nameresolution", "pubsub", "secretstores", "state"}) {
            types.addAll(SCHEMAS.types(probe));
        }
        return types;
    }
}
