package io.crashpipe.codegen;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.annotation.processing.SupportedAnnotationTypes;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.tools.Diagnostic;

/**
 * Writes, for every class carrying picocli annotations, a {@code <Class>Model} beside it whose
 * {@code spec(object, factory)} builds the model picocli would build from those annotations, through
 * picocli's public programmatic API and the {@code picocli.CompiledModel} bridge.
 *
 * <p>picocli itself still interprets each annotation: the generated code hands it plain objects
 * implementing the annotation interfaces ({@code io.crashpipe.picocli.OptionValues} and so on, written
 * here once per annotation type, every member filled from the annotation as written, defaults
 * included), so arity, labels, types, defaults and converters come out of picocli's own rules. What
 * the run time saves is {@code Field.getAnnotation}: the JDK makes a dynamic proxy class per
 * annotation type on first use, and the ahead-of-time cache cannot hold those.
 *
 * <p>Supported: classes with {@code @Command} (including {@code subcommands}), fields with
 * {@code @Option}, {@code @Parameters}, {@code @Mixin} and {@code @Spec} (SELF). Anything else picocli
 * reads ({@code @ArgGroup}, {@code @Unmatched}, {@code @ParentCommand}, annotated methods or
 * superclasses, private or final fields) is a compile error naming the element, so the generated
 * model never silently differs from the annotated one.
 */
@SupportedAnnotationTypes("picocli.CommandLine.*")
public final class CommandModelProcessor extends AbstractProcessor {
    static final String PICOCLI = "picocli.CommandLine";
    static final String VALUES_PACKAGE = "io.crashpipe.picocli";
    private static final Set<String> MEMBER_ANNOTATIONS = Set.of("Option", "Parameters", "Mixin", "Spec");
    private static final Set<String> UNSUPPORTED = Set.of("ArgGroup", "Unmatched", "ParentCommand");

    private final Set<String> valuesWritten = new HashSet<>();
    private boolean helpMixinWritten;

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment env) {
        Set<TypeElement> classes = new LinkedHashSet<>();
        for (TypeElement annotation : annotations) {
            String name = annotation.getQualifiedName().toString();
            if (!name.startsWith(PICOCLI + ".")) {
                continue;
            }
            for (Element e : env.getElementsAnnotatedWith(annotation)) {
                if (e.getKind() == ElementKind.CLASS) {
                    classes.add((TypeElement) e);
                } else if (e.getKind() == ElementKind.FIELD) {
                    classes.add((TypeElement) e.getEnclosingElement());
                } else {
                    error(e, "@" + annotation.getSimpleName() + " on a " + e.getKind() + " is not supported");
                }
            }
        }
        if (!classes.isEmpty() && !helpMixinWritten) {
            helpMixinWritten = true;
            TypeElement autoHelp = processingEnv.getElementUtils().getTypeElement(PICOCLI + ".AutoHelpMixin");
            if (autoHelp == null) {
                error(null, "picocli.CommandLine.AutoHelpMixin not found on the class path");
            } else {
                writeModel(autoHelp, true);
            }
        }
        for (TypeElement c : classes) {
            writeModel(c, false);
        }
        return false;
    }

    /** The model class of {@code type}; {@code detached}: fields picocli's own (private), values kept in the binding. */
    private void writeModel(TypeElement type, boolean detached) {
        String pkg = detached ? VALUES_PACKAGE : packageOf(type);
        String modelName = modelName(type);
        AnnotationMirror command = annotation(type, "Command");
        List<VariableElement> fields = new ArrayList<>();
        for (VariableElement f : ElementFilter.fieldsIn(type.getEnclosedElements())) {
            if (picocliAnnotations(f).isEmpty()) {
                continue;
            }
            for (AnnotationMirror a : picocliAnnotations(f)) {
                String simple = simpleName(a);
                if (UNSUPPORTED.contains(simple) || !MEMBER_ANNOTATIONS.contains(simple)) {
                    error(f, "@" + simple + " is not supported by the compiled picocli model");
                }
            }
            if (!detached && (f.getModifiers().contains(Modifier.PRIVATE) || f.getModifiers().contains(Modifier.FINAL))) {
                error(f, "a picocli-annotated field must be neither private nor final (the compiled model sets it directly)");
            }
            fields.add(f);
        }
        for (ExecutableElement m : ElementFilter.methodsIn(type.getEnclosedElements())) {
            if (!picocliAnnotations(m).isEmpty()) {
                error(m, "picocli annotations on methods are not supported by the compiled model");
            }
        }
        TypeMirror superclass = type.getSuperclass();
        if (superclass.getKind() == TypeKind.DECLARED) {
            TypeElement sup = (TypeElement) ((DeclaredType) superclass).asElement();
            if (!sup.getQualifiedName().contentEquals("java.lang.Object") && hasPicocliAnnotations(sup)) {
                error(type, "picocli annotations in a superclass are not supported by the compiled model");
            }
        }

        String typeName = detached ? "Object[]" : type.getQualifiedName().toString();
        StringBuilder s = new StringBuilder();
        s.append("package ").append(pkg).append(";\n\n");
        s.append("/** The picocli model of {@code ").append(binaryName(type))
                .append("}, as picocli builds it from the annotations. Generated by ")
                .append(getClass().getName()).append(". */\n");
        s.append("@javax.annotation.processing.Generated(\"").append(getClass().getName()).append("\")\n");
        s.append("@SuppressWarnings({\"unchecked\", \"rawtypes\", \"cast\"})\n");
        s.append("public final class ").append(modelName).append(" {\n");
        s.append("    private ").append(modelName).append("() {}\n\n");
        if (detached) {
            s.append("    public static picocli.CommandLine.Model.CommandSpec spec(picocli.CommandLine.IFactory factory) {\n");
            s.append("        Object[] c = new Object[").append(fields.size()).append("];\n");
            for (int i = 0; i < fields.size(); i++) {
                s.append("        c[").append(i).append("] = ").append(zero(fields.get(i).asType())).append(";\n");
            }
        } else {
            s.append("    public static picocli.CommandLine.Model.CommandSpec spec(").append(typeName)
                    .append(" c, picocli.CommandLine.IFactory factory) {\n");
        }
        s.append("        picocli.CommandLine.Model.CommandSpec spec = picocli.CommandLine.Model.CommandSpec.wrapWithoutInspection(c, factory);\n");
        boolean standardHelp = false;
        if (command != null) {
            s.append("        spec.updateCommandAttributes(").append(values(command, pkg)).append(", factory);\n");
            for (AnnotationValue sub : list(value(command, "subcommands"))) {
                TypeElement subType = (TypeElement) ((DeclaredType) sub.getValue()).asElement();
                AnnotationMirror subCommand = annotation(subType, "Command");
                if (subCommand == null) {
                    error(type, "subcommand " + subType + " has no @Command");
                    continue;
                }
                s.append("        spec.addSubcommand(").append(literal((String) value(subCommand, "name").getValue()))
                        .append(", new picocli.CommandLine(").append(modelReference(subType, pkg)).append(".spec(new ")
                        .append(subType.getQualifiedName()).append("(), factory), factory));\n");
            }
            standardHelp = (Boolean) value(command, "mixinStandardHelpOptions").getValue();
        }
        for (int i = 0; i < fields.size(); i++) {
            VariableElement f = fields.get(i);
            AnnotationMirror a = picocliAnnotations(f).get(0);
            String kind = simpleName(a);
            String member = "picocli.CompiledModel.member(" + values(a, pkg) + ", " + literal(f.getSimpleName().toString())
                    + ", " + classLiteral(f.asType(), pkg) + ", " + typeArguments(f.asType(), pkg) + ", "
                    + literal(genericString(type, f)) + ", new Fields(c, " + i + "), c)";
            String name = f.getSimpleName().toString();
            switch (kind) {
                case "Option" -> s.append("        spec.add(picocli.CommandLine.Model.OptionSpec.builder(").append(member)
                        .append(", factory).build());\n");
                case "Parameters" -> s.append("        spec.add(picocli.CommandLine.Model.PositionalParamSpec.builder(")
                        .append(member).append(", factory).build());\n");
                case "Spec" -> s.append("        picocli.CompiledModel.addSpec(spec, ").append(member).append(");\n");
                case "Mixin" -> {
                    TypeElement mixinType = (TypeElement) ((DeclaredType) f.asType()).asElement();
                    String mixinName = (String) value(a, "name").getValue();
                    if (!hasNoArgConstructor(mixinType)) {
                        error(f, "a mixin needs a no-argument constructor for the compiled model");
                    }
                    s.append("        if (c.").append(name).append(" == null) {\n");
                    s.append("            c.").append(name).append(" = new ").append(mixinType.getQualifiedName()).append("();\n");
                    s.append("        }\n");
                    s.append("        picocli.CompiledModel.addMixin(spec, ").append(literal(mixinName.isEmpty() ? name : mixinName))
                            .append(", ").append(modelReference(mixinType, pkg)).append(".spec(c.").append(name)
                            .append(", factory), ").append(member).append(");\n");
                }
                default -> error(f, "@" + kind + " is not supported by the compiled picocli model");
            }
        }
        if (standardHelp) {
            s.append("        picocli.CompiledModel.mixinStandardHelpOptions(spec, ").append(VALUES_PACKAGE)
                    .append(".CommandLine_AutoHelpMixinModel.spec(factory));\n");
        }
        s.append("        return picocli.CompiledModel.finish(spec);\n");
        s.append("    }\n\n");
        writeBinding(s, typeName, fields, detached);
        s.append("}\n");
        write(pkg + "." + modelName, s.toString(), type);
    }

    /** The getter and setter of every annotated field, by index (no reflection, no lambda classes). */
    private void writeBinding(StringBuilder s, String typeName, List<VariableElement> fields, boolean detached) {
        s.append("    private static final class Fields implements picocli.CommandLine.Model.IGetter, picocli.CommandLine.Model.ISetter {\n");
        s.append("        private final ").append(typeName).append(" c;\n");
        s.append("        private final int field;\n\n");
        s.append("        Fields(").append(typeName).append(" c, int field) {\n");
        s.append("            this.c = c;\n            this.field = field;\n        }\n\n");
        s.append("        @Override\n        public <T> T get() {\n            switch (field) {\n");
        for (int i = 0; i < fields.size(); i++) {
            s.append("                case ").append(i).append(": return (T) (Object) ").append(access(fields, i, detached)).append(";\n");
        }
        s.append("                default: throw new IllegalStateException(\"no field \" + field);\n            }\n        }\n\n");
        s.append("        @Override\n        public <T> T set(T value) {\n            T old = get();\n            switch (field) {\n");
        for (int i = 0; i < fields.size(); i++) {
            s.append("                case ").append(i).append(": ").append(access(fields, i, detached)).append(" = ");
            s.append(detached ? "value" : "(" + boxed(fields.get(i).asType()) + ") (Object) value").append("; break;\n");
        }
        s.append("                default: throw new IllegalStateException(\"no field \" + field);\n            }\n            return old;\n        }\n    }\n");
    }

    private static String access(List<VariableElement> fields, int i, boolean detached) {
        return detached ? "c[" + i + "]" : "c." + fields.get(i).getSimpleName();
    }

    /** {@code new io.crashpipe.picocli.XValues(every member of the annotation, defaults included)}. */
    private String values(AnnotationMirror a, String pkg) {
        TypeElement annotationType = (TypeElement) a.getAnnotationType().asElement();
        writeValuesClass(annotationType);
        Map<? extends ExecutableElement, ? extends AnnotationValue> all =
                processingEnv.getElementUtils().getElementValuesWithDefaults(a);
        List<String> args = new ArrayList<>();
        for (ExecutableElement m : ElementFilter.methodsIn(annotationType.getEnclosedElements())) {
            args.add(render(all.get(m), m.getReturnType(), pkg));
        }
        return "new " + VALUES_PACKAGE + "." + annotationType.getSimpleName() + "Values(" + String.join(", ", args) + ")";
    }

    private String render(AnnotationValue v, TypeMirror type, String pkg) {
        Object o = v.getValue();
        if (o instanceof String str) {
            return literal(str);
        } else if (o instanceof Boolean || o instanceof Integer) {
            return o.toString();
        } else if (o instanceof Long) {
            return o + "L";
        } else if (o instanceof Character ch) {
            return "'" + (ch == '\'' ? "\\'" : literal(String.valueOf(ch)).replaceAll("^\"|\"$", "")) + "'";
        } else if (o instanceof TypeMirror t) {
            return "(java.lang.Class) " + classLiteral(t, pkg);
        } else if (o instanceof VariableElement constant) {
            return ((TypeElement) constant.getEnclosingElement()).getQualifiedName() + "." + constant.getSimpleName();
        } else if (o instanceof List<?> items) {
            TypeMirror component = ((ArrayType) type).getComponentType();
            List<String> parts = new ArrayList<>();
            for (Object item : items) {
                parts.add(render((AnnotationValue) item, component, pkg));
            }
            return "new " + processingEnv.getTypeUtils().erasure(component) + "[] {" + String.join(", ", parts) + "}";
        }
        error(null, "annotation value " + v + " of an unsupported kind");
        return "null";
    }

    /** A plain class implementing annotation type {@code a}: one final field per member. */
    private void writeValuesClass(TypeElement a) {
        String name = a.getSimpleName() + "Values";
        if (!valuesWritten.add(name)) {
            return;
        }
        List<ExecutableElement> members = ElementFilter.methodsIn(a.getEnclosedElements());
        StringBuilder s = new StringBuilder();
        s.append("package ").append(VALUES_PACKAGE).append(";\n\n");
        s.append("/** The members of a {@code @").append(a.getSimpleName())
                .append("} as written, without the dynamic proxy the JDK makes for annotations read by reflection. */\n");
        s.append("@javax.annotation.processing.Generated(\"").append(getClass().getName()).append("\")\n");
        s.append("@SuppressWarnings(\"all\")\n");
        s.append("public final class ").append(name).append(" implements ").append(a.getQualifiedName()).append(" {\n");
        List<String> params = new ArrayList<>();
        for (ExecutableElement m : members) {
            s.append("    private final ").append(m.getReturnType()).append(' ').append(m.getSimpleName()).append(";\n");
            params.add(m.getReturnType() + " " + m.getSimpleName());
        }
        s.append("\n    public ").append(name).append("(").append(String.join(", ", params)).append(") {\n");
        for (ExecutableElement m : members) {
            s.append("        this.").append(m.getSimpleName()).append(" = ").append(m.getSimpleName()).append(";\n");
        }
        s.append("    }\n");
        for (ExecutableElement m : members) {
            s.append("\n    @Override\n    public ").append(m.getReturnType()).append(' ').append(m.getSimpleName())
                    .append("() {\n        return ").append(m.getSimpleName()).append(";\n    }\n");
        }
        s.append("\n    @Override\n    public Class<? extends java.lang.annotation.Annotation> annotationType() {\n");
        s.append("        return ").append(a.getQualifiedName()).append(".class;\n    }\n}\n");
        write(VALUES_PACKAGE + "." + name, s.toString(), null);
    }

    /** {@code X.class} where the generated code may name X, else a look-up by binary name. */
    private String classLiteral(TypeMirror t, String pkg) {
        TypeMirror erased = processingEnv.getTypeUtils().erasure(t);
        if (erased.getKind().isPrimitive()) {
            return erased + ".class";
        }
        if (erased.getKind() == TypeKind.ARRAY) {
            return erased + ".class";
        }
        TypeElement e = (TypeElement) ((DeclaredType) erased).asElement();
        return accessible(e, pkg) ? e.getQualifiedName() + ".class" : "picocli.CompiledModel.type(" + literal(binaryName(e)) + ")";
    }

    private boolean accessible(TypeElement e, String pkg) {
        for (Element x = e; x.getKind() != ElementKind.PACKAGE; x = x.getEnclosingElement()) {
            Set<Modifier> m = x.getModifiers();
            if (m.contains(Modifier.PRIVATE)) {
                return false;
            }
            if (!m.contains(Modifier.PUBLIC) && !packageOf(e).equals(pkg)) {
                return false;
            }
        }
        return true;
    }

    /** The field type's type arguments as classes (List<Path>: Path), as {@code Field.getGenericType} has them. */
    private String typeArguments(TypeMirror t, String pkg) {
        List<String> args = new ArrayList<>();
        if (t.getKind() == TypeKind.DECLARED) {
            for (TypeMirror arg : ((DeclaredType) t).getTypeArguments()) {
                if (arg.getKind() != TypeKind.DECLARED) {
                    error(null, "type argument " + arg + " of " + t + " is not supported by the compiled model");
                }
                args.add(classLiteral(arg, pkg));
            }
        }
        return "new Class<?>[] {" + String.join(", ", args) + "}";
    }

    /** What {@code Field.toGenericString()} returns for {@code f} (picocli names fields so in messages). */
    private String genericString(TypeElement owner, VariableElement f) {
        StringBuilder s = new StringBuilder();
        for (Modifier m : List.of(Modifier.PUBLIC, Modifier.PROTECTED, Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL,
                Modifier.TRANSIENT, Modifier.VOLATILE)) {
            if (f.getModifiers().contains(m)) {
                s.append(m).append(' ');
            }
        }
        return s.append(typeName(f.asType())).append(' ').append(binaryName(owner)).append('.').append(f.getSimpleName()).toString();
    }

    /** {@code java.lang.reflect.Type.getTypeName()} of a field type: binary names, type arguments in brackets. */
    private String typeName(TypeMirror t) {
        if (t.getKind() != TypeKind.DECLARED) {
            return t.toString();
        }
        DeclaredType d = (DeclaredType) t;
        String raw = binaryName((TypeElement) d.asElement());
        if (d.getTypeArguments().isEmpty()) {
            return raw;
        }
        List<String> args = new ArrayList<>();
        for (TypeMirror a : d.getTypeArguments()) {
            args.add(typeName(a));
        }
        return raw + "<" + String.join(", ", args) + ">";
    }

    private String boxed(TypeMirror t) {
        return t.getKind().isPrimitive()
                ? processingEnv.getTypeUtils().boxedClass((javax.lang.model.type.PrimitiveType) t).getQualifiedName().toString()
                : t.toString();
    }

    private static String zero(TypeMirror t) {
        return switch (t.getKind()) {
            case BOOLEAN -> "false";
            case INT, SHORT, BYTE, CHAR -> "(" + t + ") 0";
            case LONG -> "0L";
            case FLOAT -> "0f";
            case DOUBLE -> "0d";
            default -> "null";
        };
    }

    private String modelReference(TypeElement type, String fromPackage) {
        String pkg = packageOf(type);
        return (pkg.equals(fromPackage) ? "" : pkg + ".") + modelName(type);
    }

    /** LogCommand: LogCommandModel; UploadCommand.AgentOptions: UploadCommand_AgentOptionsModel. */
    private static String modelName(TypeElement type) {
        StringBuilder s = new StringBuilder(type.getSimpleName());
        for (Element e = type.getEnclosingElement(); e.getKind() != ElementKind.PACKAGE; e = e.getEnclosingElement()) {
            s.insert(0, e.getSimpleName() + "_");
        }
        return s.append("Model").toString();
    }

    private String packageOf(Element e) {
        PackageElement p = processingEnv.getElementUtils().getPackageOf(e);
        return p.getQualifiedName().toString();
    }

    private String binaryName(TypeElement e) {
        return processingEnv.getElementUtils().getBinaryName(e).toString();
    }

    private static boolean hasNoArgConstructor(TypeElement type) {
        if (type.getNestingKind() == NestingKind.MEMBER && !type.getModifiers().contains(Modifier.STATIC)) {
            return false;
        }
        for (ExecutableElement c : ElementFilter.constructorsIn(type.getEnclosedElements())) {
            if (c.getParameters().isEmpty() && !c.getModifiers().contains(Modifier.PRIVATE)) {
                return true;
            }
        }
        return false;
    }

    private boolean hasPicocliAnnotations(TypeElement type) {
        if (annotation(type, "Command") != null) {
            return true;
        }
        for (Element e : type.getEnclosedElements()) {
            if (!picocliAnnotations(e).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private static List<AnnotationMirror> picocliAnnotations(Element e) {
        List<AnnotationMirror> out = new ArrayList<>();
        for (AnnotationMirror a : e.getAnnotationMirrors()) {
            TypeElement t = (TypeElement) a.getAnnotationType().asElement();
            if (t.getQualifiedName().toString().startsWith(PICOCLI + ".")) {
                out.add(a);
            }
        }
        return out;
    }

    private static AnnotationMirror annotation(Element e, String simpleName) {
        for (AnnotationMirror a : picocliAnnotations(e)) {
            if (simpleName(a).equals(simpleName)) {
                return a;
            }
        }
        return null;
    }

    private static String simpleName(AnnotationMirror a) {
        return a.getAnnotationType().asElement().getSimpleName().toString();
    }

    private AnnotationValue value(AnnotationMirror a, String member) {
        for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e
                : processingEnv.getElementUtils().getElementValuesWithDefaults(a).entrySet()) {
            if (e.getKey().getSimpleName().contentEquals(member)) {
                return e.getValue();
            }
        }
        throw new IllegalStateException("no member " + member + " in " + a);
    }

    @SuppressWarnings("unchecked")
    private static List<? extends AnnotationValue> list(AnnotationValue v) {
        return (List<? extends AnnotationValue>) v.getValue();
    }

    static String literal(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (ch < 0x20 || ch > 0x7e) {
                        out.append(String.format("\\u%04x", (int) ch));
                    } else {
                        out.append(ch);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    private void write(String qualifiedName, String source, Element origin) {
        Element[] origins = origin == null ? new Element[0] : new Element[] {origin};
        try (Writer w = processingEnv.getFiler().createSourceFile(qualifiedName, origins).openWriter()) {
            w.write(source);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void error(Element e, String message) {
        processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR, "compiled picocli model: " + message, e);
    }
}
