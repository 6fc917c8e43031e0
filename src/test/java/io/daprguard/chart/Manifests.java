package io.daprguard.chart;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/** Rendered manifests, looked up by kind and name. */
final class Manifests {

    private final List<JsonNode> documents;

    private Manifests(List<JsonNode> documents) {
        this.documents = List.copyOf(documents);
    }

    static Manifests parse(String yaml) {
        return new Manifests(ChartRenderer.parseDocuments(yaml));
    }

    List<JsonNode> all() {
        return documents;
    }

    Set<String> kinds() {
        return documents.stream().map(Manifests::kind).collect(Collectors.toCollection(LinkedHashSet::new));
    }

    List<JsonNode> ofKind(String kind) {
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode document : documents) {
            if (kind.equals(kind(document))) {
                found.add(document);
            }
        }
        return found;
    }

    Optional<JsonNode> find(String kind, String name) {
        return ofKind(kind).stream().filter(document -> name.equals(name(document))).findFirst();
    }

    /** The object of that kind and name; fails the test with what was rendered instead. */
    JsonNode get(String kind, String name) {
        return find(kind, name).orElseThrow(() -> new AssertionError(
                "no " + kind + " named " + name + "; rendered: " + describe()));
    }

    /** The single object of that kind. */
    JsonNode only(String kind) {
        List<JsonNode> found = ofKind(kind);
        if (found.size() != 1) {
            throw new AssertionError("expected exactly one " + kind + " but found " + found.size() + "; rendered: "
                    + describe());
        }
        return found.get(0);
    }

    /** The Deployment's pod template spec. */
    JsonNode podSpec() {
        return only("Deployment").path("spec").path("template").path("spec");
    }

    /** The dapr-guard container. */
    JsonNode container() {
        return podSpec().path("containers").get(0);
    }

    String describe() {
        return documents.stream().map(document -> kind(document) + "/" + name(document))
                .collect(Collectors.joining(", "));
    }

    static String kind(JsonNode document) {
        return document.path("kind").asString("");
    }

    static String name(JsonNode document) {
        return document.path("metadata").path("name").asString("");
    }
}
