package io.daprguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.daprguard.cli.CheckCommandTest.Run;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/** {@code check -o junit}: valid against the Ant JUnit schema Jenkins and GitLab read; exit codes as every format. */
class JUnitReportTest {

    private static final Schema JUNIT = junitSchema();
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T12:00:00.250Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    @Test
    void examplesValidateAgainstTheJUnitSchema() throws Exception {
        Run run = CheckCommandTest.run(CLOCK, "", "-o", "junit", "examples/");

        assertThat(run.code()).isEqualTo(1);
        Document xml = assertValid(run.out());
        Element suite = (Element) xml.getElementsByTagName("testsuite").item(1);
        assertThat(suite.getAttribute("name")).isEqualTo("examples/orders-deployment.yaml");
        assertThat(suite.getAttribute("timestamp")).isEqualTo("2026-11-24T12:00:00");
        assertThat(suite.getAttribute("failures")).isEqualTo("1");
    }

    @Test
    void aTestCasePerObjectFailuresForDenialsWarningsInSystemOut() throws Exception {
        Path file = Files.writeString(dir.resolve("orders.yaml"), SarifReportTest.MULTI_DOCUMENT);

        Run run = CheckCommandTest.run(CLOCK, "", "--output=junit", file.toString());

        assertThat(run.code()).isEqualTo(1);
        Document xml = assertValid(run.out());
        Element suite = (Element) xml.getElementsByTagName("testsuite").item(0);
        assertThat(suite.getAttribute("tests")).isEqualTo("3");
        assertThat(suite.getAttribute("failures")).isEqualTo("1");
        assertThat(suite.getAttribute("skipped")).isEqualTo("2");
        Element deployment = (Element) xml.getElementsByTagName("testcase").item(2);
        assertThat(deployment.getAttribute("name")).isEqualTo("Deployment shop/orders (line 13)");
        assertThat(deployment.getAttribute("classname")).isEqualTo(file.toString());
        Element failure = (Element) deployment.getElementsByTagName("failure").item(0);
        assertThat(failure.getAttribute("type")).isEqualTo("deny");
        assertThat(failure.getTextContent().lines().toList()).hasSize(2).satisfies(lines -> {
            assertThat(lines.get(0)).startsWith("[sidecar-resources] dapr.io/sidecar-memory-limit").endsWith("(line 26)");
            assertThat(lines.get(1)).startsWith("[sidecar-gomemlimit] GOMEMLIMIT=\"900Mi\"").endsWith("(line 27)");
        });
        assertThat(suite.getElementsByTagName("system-out").item(0).getTextContent())
                .contains("Deployment shop/orders (line 13): WARN [log-level] dapr.io/log-level")
                .contains("(line 28)");
    }

    @Test
    void unreadableInputsAreErroredTestCases() throws Exception {
        Run run = CheckCommandTest.run(CLOCK, "", "-o", "junit", CheckCommandTest.CLI + "mixed/broken.yaml",
                dir.resolve("missing.yaml").toString());

        assertThat(run.code()).isEqualTo(2);
        Document xml = assertValid(run.out());
        Element broken = (Element) xml.getElementsByTagName("testsuite").item(0);
        assertThat(broken.getAttribute("errors")).isEqualTo("1");
        Element error = (Element) broken.getElementsByTagName("error").item(0);
        assertThat(error.getAttribute("message")).contains("mapping values are not allowed");
        assertThat(((Element) error.getParentNode()).getAttribute("name")).isEqualTo("line 7");
        Element missing = (Element) xml.getElementsByTagName("testsuite").item(1);
        assertThat(((Element) missing.getElementsByTagName("testcase").item(0)).getAttribute("name"))
                .isEqualTo("whole file");
    }

    @Test
    void charactersXmlCannotCarryAreReplaced() throws Exception {
        Path file = Files.writeString(dir.resolve("odd\u0001name.yaml"), "apiVersion: v1\nkind: Service\n"
                + "metadata: {name: \"a\\u0007b\"}\n");

        assertValid(CheckCommandTest.run(CLOCK, "", "-o", "junit", "-v", file.toString()).out());
    }

    /** The same inputs give the same exit code in every format: 0 clean, 1 denied, 2 unreadable. */
    @ParameterizedTest
    @ValueSource(strings = {"good-deployment.yaml:0", "bad-deployment.yaml:1", "broken.yaml:2"})
    void exitCodesAreTheSameForEveryFormat(String input) {
        String file = CheckCommandTest.CLI + "mixed/" + input.substring(0, input.indexOf(':'));
        int expected = Integer.parseInt(input.substring(input.indexOf(':') + 1));
        for (String format : List.of("text", "json", "sarif", "junit")) {
            assertThat(CheckCommandTest.run(CLOCK, "", "-o", format, file).code()).as(format).isEqualTo(expected);
        }
        assertThat(CheckCommandTest.run(CLOCK, "", "-o", "junit", "--mode", "audit", file).code())
                .as("audit").isEqualTo(expected == 1 ? 0 : expected);
    }

    static Document assertValid(String xml) throws Exception {
        try {
            JUNIT.newValidator().validate(new StreamSource(new StringReader(xml)));
        } catch (SAXException e) {
            throw new AssertionError("not valid against JUnit.xsd: " + e.getMessage() + "\n" + xml, e);
        }
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        return factory.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
    }

    private static Schema junitSchema() {
        try {
            SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
            return factory.newSchema(JUnitReportTest.class.getResource("/schemas/JUnit.xsd"));
        } catch (SAXException e) {
            throw new IllegalStateException(e);
        }
    }
}
