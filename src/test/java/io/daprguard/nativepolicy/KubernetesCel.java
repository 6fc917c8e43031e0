package io.daprguard.nativepolicy;

import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelExtensions;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.daprguard.dapr.Quantity;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * CEL as the kube-apiserver evaluates admission policy expressions, for the tests of the native policies: the
 * variables it declares ({@code object}, {@code oldObject}, {@code request}, {@code params},
 * {@code namespaceObject}, {@code variables}), optional types ({@code ?}, {@code orValue}), the strings extension, and
 * Kubernetes' quantity library ({@code quantity}, {@code isQuantity} and the Quantity member functions), built on
 * dapr-guard's Go-exact {@link Quantity} so that the CEL sees exactly the quantities {@code resource.ParseQuantity}
 * accepts.
 *
 * <p>Not the apiserver's: type checking against the object's OpenAPI schema (here every variable is {@code dyn}) and
 * the cost estimate. Expressions that pass here can still be refused there for type or cost.
 */
public final class KubernetesCel {

    /** Kubernetes' {@code kubernetes.Quantity} type. */
    static final OpaqueType QUANTITY = OpaqueType.create("kubernetes.Quantity");

    private static final List<String> VARIABLES =
            List.of("object", "oldObject", "request", "params", "namespaceObject", "variables");

    private final CelCompiler compiler;
    private final CelRuntime runtime;

    /**
     * The kube-apiserver's {@code JSONPatch} object type of MutatingAdmissionPolicy's JSON patch expressions; here an
     * operation evaluates to a map of its fields.
     */
    static final dev.cel.common.types.StructType JSON_PATCH = dev.cel.common.types.StructType.create("JSONPatch",
            com.google.common.collect.ImmutableSet.of("op", "path", "from", "value"), field -> switch (field) {
                case "op", "path", "from" -> java.util.Optional.of(SimpleType.STRING);
                case "value" -> java.util.Optional.of(SimpleType.DYN);
                default -> java.util.Optional.empty();
            });

    private static final dev.cel.common.types.CelTypeProvider TYPES = new dev.cel.common.types.CelTypeProvider() {
        @Override
        public com.google.common.collect.ImmutableCollection<dev.cel.common.types.CelType> types() {
            return com.google.common.collect.ImmutableList.of(JSON_PATCH);
        }

        @Override
        public java.util.Optional<dev.cel.common.types.CelType> findType(String name) {
            return name.equals(JSON_PATCH.name()) ? java.util.Optional.of(JSON_PATCH) : java.util.Optional.empty();
        }
    };

    public KubernetesCel() {
        var compilerBuilder = CelCompilerFactory.standardCelCompilerBuilder()
                .setTypeProvider(TYPES)
                .setStandardMacros(dev.cel.parser.CelStandardMacro.STANDARD_MACROS)
                .addLibraries(CelExtensions.strings(), CelExtensions.optional())
                .addFunctionDeclarations(quantityDeclarations())
                .addFunctionDeclarations(regexDeclarations());
        for (String variable : VARIABLES) {
            compilerBuilder.addVar(variable, SimpleType.DYN);
        }
        this.compiler = compilerBuilder.build();
        // the planner runtime: the one that builds struct values (JSONPatch) from a value provider
        this.runtime = CelRuntimeFactory.plannerRuntimeBuilder()
                .setTypeProvider(TYPES)
                .setValueProvider((name, fields) -> name.equals(JSON_PATCH.name())
                        ? java.util.Optional.of(new java.util.LinkedHashMap<>(fields)) : java.util.Optional.empty())
                .addLibraries(CelExtensions.strings(), CelExtensions.optional())
                .addFunctionBindings(quantityBindings())
                .addFunctionBindings(regexBindings())
                .build();
    }

    /**
     * Compiles one expression.
     *
     * @throws CelValidationException if it does not parse or type-check
     */
    public void compile(String expression) throws CelValidationException {
        compiler.compile(expression).getAst();
    }

    /**
     * Compiles and evaluates one expression.
     *
     * @param variables values for the declared variables (JSON-like: maps, lists, strings, longs, doubles, booleans);
     *     an absent variable is null
     * @throws CelValidationException if it does not compile
     * @throws CelEvaluationException if evaluation fails (a missing key, an invalid quantity, ...)
     */
    public Object evaluate(String expression, Map<String, ?> variables)
            throws CelValidationException, CelEvaluationException {
        var ast = compiler.compile(expression).getAst();
        try {
            return runtime.createProgram(ast).eval(input(variables));
        } catch (CelEvaluationException e) {
            throw new CelEvaluationException(e.getMessage() + " in: " + expression, e);
        }
    }

    private static List<CelFunctionDecl> quantityDeclarations() {
        return List.of(
                CelFunctionDecl.newFunctionDeclaration("quantity",
                        CelOverloadDecl.newGlobalOverload("string_to_quantity", QUANTITY, SimpleType.STRING)),
                CelFunctionDecl.newFunctionDeclaration("isQuantity",
                        CelOverloadDecl.newGlobalOverload("is_quantity_string", SimpleType.BOOL, SimpleType.STRING)),
                CelFunctionDecl.newFunctionDeclaration("sign",
                        CelOverloadDecl.newMemberOverload("quantity_sign", SimpleType.INT, QUANTITY)),
                CelFunctionDecl.newFunctionDeclaration("isGreaterThan",
                        CelOverloadDecl.newMemberOverload("quantity_is_greater_than", SimpleType.BOOL, QUANTITY,
                                QUANTITY)),
                CelFunctionDecl.newFunctionDeclaration("isLessThan",
                        CelOverloadDecl.newMemberOverload("quantity_is_less_than", SimpleType.BOOL, QUANTITY,
                                QUANTITY)),
                CelFunctionDecl.newFunctionDeclaration("compareTo",
                        CelOverloadDecl.newMemberOverload("quantity_compare_to", SimpleType.INT, QUANTITY,
                                QUANTITY)),
                CelFunctionDecl.newFunctionDeclaration("add",
                        CelOverloadDecl.newMemberOverload("quantity_add", QUANTITY, QUANTITY, QUANTITY),
                        CelOverloadDecl.newMemberOverload("quantity_add_int", QUANTITY, QUANTITY, SimpleType.INT)),
                CelFunctionDecl.newFunctionDeclaration("sub",
                        CelOverloadDecl.newMemberOverload("quantity_sub", QUANTITY, QUANTITY, QUANTITY),
                        CelOverloadDecl.newMemberOverload("quantity_sub_int", QUANTITY, QUANTITY, SimpleType.INT)),
                CelFunctionDecl.newFunctionDeclaration("isInteger",
                        CelOverloadDecl.newMemberOverload("quantity_is_integer", SimpleType.BOOL, QUANTITY)),
                CelFunctionDecl.newFunctionDeclaration("asInteger",
                        CelOverloadDecl.newMemberOverload("quantity_get_int", SimpleType.INT, QUANTITY)),
                CelFunctionDecl.newFunctionDeclaration("asApproximateFloat",
                        CelOverloadDecl.newMemberOverload("quantity_get_float", SimpleType.DOUBLE, QUANTITY)));
    }

    /**
     * A JSON value as the kube-apiserver hands it to CEL: objects as maps, arrays as lists, whole numbers as int64,
     * other numbers as double, and JSON null as CEL's null.
     */
    public static Object fromJson(tools.jackson.databind.JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> map = new java.util.LinkedHashMap<>();
            node.properties().forEach(e -> map.put(e.getKey(), fromJson(e.getValue())));
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new java.util.ArrayList<>();
            node.forEach(child -> list.add(fromJson(child)));
            return list;
        }
        if (node.isNull() || node.isMissingNode()) {
            return dev.cel.common.values.NullValue.NULL_VALUE;
        }
        if (node.isIntegralNumber()) {
            return node.longValue();
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        return node.asString();
    }

    /**
     * Evaluates one expression and returns the runtime cost the kube-apiserver would charge for this evaluation: each
     * evaluated step, with the cost factors of cel-go's runtime cost tracker and Kubernetes' libraries (a variable
     * read or field selection 1, a literal 0, a list 10, a map 30, an object 40; string work 1 per 10 characters
     * traversed; a regular expression match 1 per 10 characters of the string times 1 per 4 characters of the
     * pattern; anything else 1). The apiserver stops an expression above 1 000 000 and a policy's evaluation above
     * 10 000 000 ({@code celconfig.PerCallLimit}, {@code RuntimeCELCostBudget}).
     */
    public long cost(String expression, Map<String, ?> variables) throws CelValidationException, CelEvaluationException {
        var ast = compiler.compile(expression).getAst();
        java.util.Map<Long, Object> results = new java.util.HashMap<>();
        long[] total = {0};
        runtime.createProgram(ast).trace(input(variables), (expr, value) -> {
            results.put(expr.id(), value);
            total[0] += stepCost(expr, value, results);
        });
        return total[0];
    }

    /** Every declared variable, null where none is given. */
    private static Map<String, Object> input(Map<String, ?> variables) {
        java.util.Map<String, Object> input = new java.util.HashMap<>();
        for (String variable : VARIABLES) {
            input.put(variable, variables.containsKey(variable) ? variables.get(variable) : dev.cel.common.values
                    .NullValue.NULL_VALUE);
        }
        return input;
    }

    private static long stepCost(dev.cel.common.ast.CelExpr expr, Object value, java.util.Map<Long, Object> results) {
        switch (expr.exprKind().getKind()) {
            case CONSTANT:
                return 0;
            case IDENT:
            case SELECT:
                return 1;
            case LIST:
                return 10;
            case MAP:
                return 30;
            case STRUCT:
                return 40;
            case CALL:
                break;
            default:
                return 1;
        }
        var call = expr.call();
        List<Object> args = new java.util.ArrayList<>();
        call.target().ifPresent(target -> args.add(results.get(target.id())));
        call.args().forEach(arg -> args.add(results.get(arg.id())));
        String function = call.function();
        switch (function) {
            case "matches", "find", "findAll" -> {
                long text = (long) Math.ceil((1.0 + length(args.get(0))) * 0.1);
                long pattern = (long) Math.ceil(length(args.get(1)) * 0.25);
                return text * Math.max(1, pattern);
            }
            case "_+_" -> {
                return 1 + (long) Math.ceil(length(value) * 0.1);
            }
            case "_==_", "_!=_", "contains", "startsWith", "endsWith", "lowerAscii", "upperAscii", "trim", "replace",
                    "substring", "indexOf", "lastIndexOf", "split", "join", "charAt", "quantity", "isQuantity" -> {
                long longest = 0;
                for (Object arg : args) {
                    longest = Math.max(longest, length(arg));
                }
                return 1 + (long) Math.ceil(longest * 0.1);
            }
            case "@in" -> {
                Object container = args.get(1);
                if (container instanceof java.util.Collection<?> list) {
                    return 1 + list.size() * (1 + (long) Math.ceil(length(args.get(0)) * 0.1));
                }
                return 1;
            }
            default -> {
                return 1;
            }
        }
    }

    /** A string's length, a list's or map's size; 0 for anything else. */
    private static long length(Object value) {
        if (value instanceof String text) {
            return text.length();
        }
        if (value instanceof java.util.Collection<?> list) {
            return list.size();
        }
        if (value instanceof Map<?, ?> map) {
            return map.size();
        }
        return 0;
    }

    /** Kubernetes' regex library: {@code find} and {@code findAll}, with RE2 (Go's regexp) semantics. */
    private static List<CelFunctionDecl> regexDeclarations() {
        return List.of(
                CelFunctionDecl.newFunctionDeclaration("find",
                        CelOverloadDecl.newMemberOverload("string_find_string", SimpleType.STRING, SimpleType.STRING,
                                SimpleType.STRING)),
                CelFunctionDecl.newFunctionDeclaration("findAll",
                        CelOverloadDecl.newMemberOverload("string_find_all_string",
                                dev.cel.common.types.ListType.create(SimpleType.STRING), SimpleType.STRING,
                                SimpleType.STRING)));
    }

    private static List<CelFunctionBinding> regexBindings() {
        return List.of(
                CelFunctionBinding.from("string_find_string", String.class, String.class, (text, regex) -> {
                    var matcher = com.google.re2j.Pattern.compile(regex).matcher(text);
                    return matcher.find() ? matcher.group() : "";
                }),
                CelFunctionBinding.from("string_find_all_string", String.class, String.class, (text, regex) -> {
                    var matcher = com.google.re2j.Pattern.compile(regex).matcher(text);
                    List<String> all = new java.util.ArrayList<>();
                    while (matcher.find()) {
                        all.add(matcher.group());
                    }
                    return all;
                }));
    }

    /** A quantity value inside CEL: the exact amount in base units. */
    record QuantityValue(BigDecimal value) {}

    private static List<CelFunctionBinding> quantityBindings() {
        return List.of(
                CelFunctionBinding.from("string_to_quantity", String.class, text -> Quantity.parse(text)
                        .map(q -> new QuantityValue(q.value()))
                        .orElseThrow(() -> new IllegalArgumentException("quantities must match the regular"
                                + " expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"))),
                CelFunctionBinding.from("is_quantity_string", String.class, Quantity::isValid),
                CelFunctionBinding.from("quantity_sign", QuantityValue.class, q -> (long) q.value().signum()),
                CelFunctionBinding.from("quantity_is_greater_than", QuantityValue.class, QuantityValue.class,
                        (a, b) -> a.value().compareTo(b.value()) > 0),
                CelFunctionBinding.from("quantity_is_less_than", QuantityValue.class, QuantityValue.class,
                        (a, b) -> a.value().compareTo(b.value()) < 0),
                CelFunctionBinding.from("quantity_compare_to", QuantityValue.class, QuantityValue.class,
                        (a, b) -> (long) Integer.signum(a.value().compareTo(b.value()))),
                CelFunctionBinding.from("quantity_add", QuantityValue.class, QuantityValue.class,
                        (a, b) -> new QuantityValue(a.value().add(b.value()))),
                CelFunctionBinding.from("quantity_add_int", QuantityValue.class, Long.class,
                        (a, b) -> new QuantityValue(a.value().add(BigDecimal.valueOf(b)))),
                CelFunctionBinding.from("quantity_sub", QuantityValue.class, QuantityValue.class,
                        (a, b) -> new QuantityValue(a.value().subtract(b.value()))),
                CelFunctionBinding.from("quantity_sub_int", QuantityValue.class, Long.class,
                        (a, b) -> new QuantityValue(a.value().subtract(BigDecimal.valueOf(b)))),
                CelFunctionBinding.from("quantity_is_integer", QuantityValue.class, q -> isInteger(q.value())),
                CelFunctionBinding.from("quantity_get_int", QuantityValue.class, q -> {
                    if (!isInteger(q.value())) {
                        throw new IllegalArgumentException("cannot convert value to integer");
                    }
                    return q.value().longValueExact();
                }),
                CelFunctionBinding.from("quantity_get_float", QuantityValue.class, q -> q.value().doubleValue()));
    }

    /** What Kubernetes' {@code isInteger} answers: a whole number that fits in an int64. */
    private static boolean isInteger(BigDecimal value) {
        if (value.signum() != 0 && value.stripTrailingZeros().scale() > 0) {
            return false;
        }
        return value.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0
                && value.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) >= 0;
    }
}
