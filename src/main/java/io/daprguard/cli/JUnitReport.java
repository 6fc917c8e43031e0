package io.daprguard.cli;

import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * The report for CI test reports ({@code --output junit}): JUnit XML as Apache Ant's JUnit task writes it, which
 * Jenkins' JUnit plugin and GitLab's {@code artifacts:reports:junit} read.
 *
 * <pre>
 * &lt;testsuites&gt;
 *   &lt;testsuite name="deploy/orders.yaml" package="dapr-guard" id="0" tests="3" failures="1" errors="1" ...&gt;
 *     &lt;properties/&gt;
 *     &lt;testcase name="Deployment shop/orders (line 12)" classname="deploy/orders.yaml" time="0"&gt;
 *       &lt;failure type="deny" message="[sidecar-resources] ..."&gt;each deny finding, one a line&lt;/failure&gt;
 *     &lt;/testcase&gt;
 *     &lt;testcase name="Service shop/orders (line 2)" ...&gt;&lt;skipped message="not reviewed by dapr-guard"/&gt;...
 *     &lt;testcase name="line 30" ...&gt;&lt;error type="input" message="mapping values are not allowed here"/&gt;...
 *     &lt;system-out&gt;the warnings and what mutation would add, each after its object&lt;/system-out&gt;
 *     &lt;system-err/&gt;
 *   &lt;/testsuite&gt;
 * &lt;/testsuites&gt;
 * </pre>
 *
 * <p>A test suite per input file, a test case per object (a clean object passes; deny-level findings fail it; an
 * object the engine does not review is skipped) and per input error (an error). Warnings do not fail a test: they
 * are in the suite's {@code system-out}, with the object and line they belong to (the Ant schema has no per-test
 * output). In audit mode every finding is a warning, so nothing fails. Characters XML cannot carry are written as
 * {@code ?}.
 */
final class JUnitReport {

    static final String PACKAGE = "dapr-guard";
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

    private JUnitReport() {}

    static String render(CheckReport report, Instant now) {
        StringWriter out = new StringWriter();
        try {
            XMLStreamWriter xml = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
            xml.writeStartDocument("UTF-8", "1.0");
            xml.writeCharacters("\n");
            xml.writeStartElement("testsuites");
            String timestamp = TIMESTAMP.format(now.truncatedTo(ChronoUnit.SECONDS).atOffset(ZoneOffset.UTC));
            int id = 0;
            for (FileReport file : report.files()) {
                suite(xml, file, id++, timestamp);
            }
            xml.writeCharacters("\n");
            xml.writeEndElement();
            xml.writeEndDocument();
            xml.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot write the JUnit report", e);
        }
        return out + "\n";
    }

    private static void suite(XMLStreamWriter xml, FileReport file, int id, String timestamp)
            throws XMLStreamException {
        int failures = 0;
        int skipped = 0;
        for (ObjectReport object : file.objects()) {
            failures += object.denied() ? 1 : 0;
            skipped += object.reviewed() ? 0 : 1;
        }
        xml.writeCharacters("\n  ");
        xml.writeStartElement("testsuite");
        attribute(xml, "name", file.file());
        attribute(xml, "package", PACKAGE);
        attribute(xml, "id", Integer.toString(id));
        attribute(xml, "timestamp", timestamp);
        attribute(xml, "hostname", "localhost");
        attribute(xml, "tests", Integer.toString(file.objects().size() + file.errors().size()));
        attribute(xml, "failures", Integer.toString(failures));
        attribute(xml, "errors", Integer.toString(file.errors().size()));
        attribute(xml, "skipped", Integer.toString(skipped));
        attribute(xml, "time", "0");
        xml.writeCharacters("\n    ");
        xml.writeEmptyElement("properties");
        List<String> output = new ArrayList<>();
        for (ObjectReport object : file.objects()) {
            testCase(xml, file.file(), object, output);
        }
        for (InputError error : file.errors()) {
            xml.writeCharacters("\n    ");
            xml.writeStartElement("testcase");
            attribute(xml, "name", error.line() == null ? "whole file" : "line " + error.line());
            attribute(xml, "classname", file.file());
            attribute(xml, "time", "0");
            xml.writeEmptyElement("error");
            attribute(xml, "type", "input");
            attribute(xml, "message", error.message());
            xml.writeEndElement();
        }
        xml.writeCharacters("\n    ");
        xml.writeStartElement("system-out");
        if (!output.isEmpty()) {
            xml.writeCharacters(clean(String.join("\n", output) + "\n"));
        }
        xml.writeEndElement();
        xml.writeCharacters("\n    ");
        xml.writeEmptyElement("system-err");
        xml.writeCharacters("\n  ");
        xml.writeEndElement();
    }

    private static void testCase(XMLStreamWriter xml, String file, ObjectReport object, List<String> output)
            throws XMLStreamException {
        String title = object.label() + " (line " + object.line() + ")";
        xml.writeCharacters("\n    ");
        xml.writeStartElement("testcase");
        attribute(xml, "name", title);
        attribute(xml, "classname", file);
        attribute(xml, "time", "0");
        List<String> denials = new ArrayList<>();
        for (Finding finding : object.findings()) {
            String line = finding.text() + (finding.line() == null ? "" : " (line " + finding.line() + ")");
            if (finding.level() == Finding.Level.DENY) {
                denials.add(line);
            } else {
                output.add(title + ": WARN " + line);
            }
        }
        for (Change change : object.mutations()) {
            output.add(title + ": would " + change.change() + " [" + change.rule() + "]");
        }
        if (!denials.isEmpty()) {
            xml.writeStartElement("failure");
            attribute(xml, "type", "deny");
            attribute(xml, "message", denials.get(0) + (denials.size() > 1
                    ? " (and " + (denials.size() - 1) + " more)" : ""));
            xml.writeCharacters(clean(String.join("\n", denials)));
            xml.writeEndElement();
        } else if (!object.reviewed()) {
            xml.writeEmptyElement("skipped");
            attribute(xml, "message", "not reviewed by dapr-guard");
        }
        xml.writeEndElement();
    }

    private static void attribute(XMLStreamWriter xml, String name, String value) throws XMLStreamException {
        xml.writeAttribute(name, clean(value));
    }

    /** Only the characters XML 1.0 allows (tab, line feed, carriage return and from U+0020 on). */
    static String clean(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            boolean allowed = c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF)
                    || (c >= 0xE000 && c <= 0xFFFD) || c >= 0x10000;
            out.appendCodePoint(allowed ? c : '?');
        });
        return out.toString();
    }
}
