package io.wagw.store;

import java.lang.reflect.Type;
import java.sql.Types;
import java.util.Optional;
import java.util.function.Function;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.core.argument.ArgumentFactory;
import org.jdbi.v3.core.argument.NullArgument;
import org.jdbi.v3.core.config.ConfigRegistry;
import org.jdbi.v3.core.generic.GenericTypes;
import org.jdbi.v3.core.mapper.ColumnMapper;
import org.jdbi.v3.core.mapper.ColumnMapperFactory;

/**
 * Binds and reads {@link WireValue} enums by their {@link WireValue#value()} (Jdbi's own enum support would use
 * the constant's {@code name()}, which is upper case).
 */
final class WireValueCodec implements ArgumentFactory.Preparable, ColumnMapperFactory {

    @Override
    public Optional<Function<Object, Argument>> prepare(Type type, ConfigRegistry config) {
        if (!isWireEnum(type)) {
            return Optional.empty();
        }
        return Optional.of(v -> v == null
                ? new NullArgument(Types.VARCHAR)
                : (position, statement, ctx) -> statement.setString(position, ((WireValue) v).value()));
    }

    @Override
    public Optional<ColumnMapper<?>> build(Type type, ConfigRegistry config) {
        if (!isWireEnum(type)) {
            return Optional.empty();
        }
        Object[] constants = GenericTypes.getErasedType(type).getEnumConstants();
        return Optional.of((r, column, ctx) -> {
            String stored = r.getString(column);
            if (stored == null) {
                return null;
            }
            for (Object c : constants) {
                if (((WireValue) c).value().equals(stored)) {
                    return c;
                }
            }
            throw new IllegalArgumentException(
                    "no " + GenericTypes.getErasedType(type).getSimpleName() + " is named '" + stored + "'");
        });
    }

    private static boolean isWireEnum(Type type) {
        Class<?> raw = GenericTypes.getErasedType(type);
        return raw.isEnum() && WireValue.class.isAssignableFrom(raw);
    }
}
