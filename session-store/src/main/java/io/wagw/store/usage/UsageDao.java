package io.wagw.store.usage;

import java.time.LocalDate;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

@RegisterConstructorMapper(UsageDao.Row.class)
interface UsageDao {
    record Row(long messagesIn, long messagesOut, long llmTokensIn, long llmTokensOut) {}

    // One atomic upsert per increment: concurrent increments serialise on the row and none is lost.
    @SqlUpdate("""
            INSERT INTO usage_counters AS u (tenant_id, month, messages_in, messages_out, llm_tokens_in, llm_tokens_out)
            SELECT t.id, :month, :in, :out, :tokIn, :tokOut FROM tenants t WHERE t.slug = :tenant
            ON CONFLICT (tenant_id, month) DO UPDATE
               SET messages_in = u.messages_in + excluded.messages_in,
                   messages_out = u.messages_out + excluded.messages_out,
                   llm_tokens_in = u.llm_tokens_in + excluded.llm_tokens_in,
                   llm_tokens_out = u.llm_tokens_out + excluded.llm_tokens_out
            """)
    int add(
            @Bind("tenant") String tenant,
            @Bind("month") LocalDate month,
            @Bind("in") long in,
            @Bind("out") long out,
            @Bind("tokIn") long tokensIn,
            @Bind("tokOut") long tokensOut);

    @SqlQuery("""
            SELECT u.messages_in, u.messages_out, u.llm_tokens_in, u.llm_tokens_out
              FROM usage_counters u JOIN tenants t ON t.id = u.tenant_id
             WHERE t.slug = :tenant AND u.month = :month
            """)
    Optional<Row> get(@Bind("tenant") String tenant, @Bind("month") LocalDate month);
}
