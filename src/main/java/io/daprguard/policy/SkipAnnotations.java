package io.daprguard.policy;

import io.daprguard.rules.Rules;
import io.daprguard.rules.Texts;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the exceptions an object asks for: {@code daprguard.io/skip: <rule-id>[,...]}, with an optional end
 * ({@code daprguard.io/skip-until}, an RFC 3339 date or date-time) and reason ({@code daprguard.io/skip-reason}).
 * The three annotations are read together from one metadata (the pod or pod template, then the workload).
 *
 * <p>Only skippable rules are skipped; any other id only gets a warning. A date applies through the end of that
 * day (UTC). A skip whose end has passed no longer applies: the rule runs, and its findings say when the exception
 * expired. An end further away than {@link SkipRules#maxDuration()}, an end that is no RFC 3339 date, or a missing
 * reason when {@link SkipRules#requireReason()} is on, refuses the skip with a warning. Every granted skip is
 * named in a warning, so exceptions never go unseen.
 */
final class SkipAnnotations {

    /** {@code 2026-12-31}, {@code 2026-12-31T18:00:00Z}, {@code 2026-12-31t18:00:00.5+01:00}. */
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

    /**
     * What the skip annotations of one object decide.
     *
     * @param skipped rule id to the note of the skip ({@code until 2027-01-05; reason: ...})
     * @param expired rule id to the end of its expired exception as written ({@code 2026-12-05})
     * @param warnings what the user must see: skips granted, refused, expired, and ids that cannot be skipped
     */
    record Decision(Map<String, String> skipped, Map<String, String> expired, List<String> warnings) {}

    private SkipAnnotations() {}

    /**
     * @param sources the annotations of each metadata that may carry a skip, the pod's first
     */
    static Decision decide(List<Map<String, String>> sources, Policy policy, Instant now) {
        Map<String, String> skipped = new LinkedHashMap<>();
        Map<String, String> expired = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        Set<String> named = new LinkedHashSet<>();
        for (Map<String, String> annotations : sources) {
            String value = annotations.get(PolicyEngine.SKIP_ANNOTATION);
            if (value != null) {
                one(value, annotations, policy, now, named, skipped, expired, warnings);
            }
        }
        expired.keySet().removeAll(skipped.keySet());
        return new Decision(skipped, expired, warnings);
    }

    private static void one(
            String value, Map<String, String> annotations, Policy policy, Instant now, Set<String> named,
            Map<String, String> skipped, Map<String, String> expired, List<String> warnings) {
        List<String> ids = new ArrayList<>();
        for (String part : value.split(",")) {
            String id = part.strip();
            if (id.isEmpty() || !named.add(id)) {
                continue;
            }
            if (Rules.byId(id).isEmpty()) {
                warnings.add(PolicyEngine.SKIP_ANNOTATION + " names '" + Texts.shown(id)
                        + "', which is not a dapr-guard rule");
            } else if (!policy.skippable().contains(id)) {
                warnings.add(PolicyEngine.SKIP_ANNOTATION + " cannot skip " + id + "; it still applies");
            } else {
                ids.add(id);
            }
        }
        if (ids.isEmpty()) {
            return;
        }
        String rules = String.join(", ", ids);
        String reasonValue = annotations.get(PolicyEngine.SKIP_REASON_ANNOTATION);
        String reason = reasonValue == null || reasonValue.isBlank() ? null : Texts.shown(reasonValue.strip());
        String because = reason == null ? "no reason given" : "reason: " + reason;
        String untilValue = annotations.get(PolicyEngine.SKIP_UNTIL_ANNOTATION);
        if (policy.skipRules().requireReason() && reason == null) {
            warnings.add(PolicyEngine.SKIP_ANNOTATION + " of " + rules + " is refused: it needs "
                    + PolicyEngine.SKIP_REASON_ANNOTATION + " (dapr-guard.skip.require-reason); the rules apply");
            return;
        }
        if (untilValue == null) {
            ids.forEach(id -> skipped.put(id, "no end date; " + because));
            warnings.add(PolicyEngine.SKIP_ANNOTATION + ": skipping " + rules + " with no end date (" + because
                    + "); set " + PolicyEngine.SKIP_UNTIL_ANNOTATION);
            return;
        }
        String until = untilValue.strip();
        Instant end = end(until);
        if (end == null) {
            warnings.add(PolicyEngine.SKIP_UNTIL_ANNOTATION + " " + Texts.quoted(until) + " is not an RFC 3339 date"
                    + " or date-time (2026-12-31, 2026-12-31T18:00:00Z); the skip of " + rules + " is refused");
            return;
        }
        if (!now.isBefore(end)) {
            ids.forEach(id -> expired.put(id, until));
            warnings.add(PolicyEngine.SKIP_ANNOTATION + " of " + rules + " expired on " + until + " (" + because
                    + "); the rules apply again");
            return;
        }
        long maxDays = policy.skipRules().maxDuration().toDays();
        if (end.isAfter(now.plus(policy.skipRules().maxDuration()))) {
            warnings.add(PolicyEngine.SKIP_UNTIL_ANNOTATION + " " + until + " is more than " + maxDays
                    + " days away (dapr-guard.skip.max-duration); the skip of " + rules + " is refused");
            return;
        }
        ids.forEach(id -> skipped.put(id, "until " + until + "; " + because));
        warnings.add(PolicyEngine.SKIP_ANNOTATION + ": skipping " + rules + " until " + until + " (" + because + ")");
    }

    /** The instant the exception ends: a date's next midnight (UTC), a date-time itself; null when invalid. */
    static Instant end(String until) {
        try {
            if (DATE.matcher(until).matches()) {
                return LocalDate.parse(until).plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);
            }
            return OffsetDateTime.parse(until.toUpperCase(Locale.ROOT)).toInstant();
        } catch (DateTimeException e) {
            return null;
        }
    }
}
