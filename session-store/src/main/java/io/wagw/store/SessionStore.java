package io.wagw.store;

import io.wagw.store.apikey.ApiKeys;
import io.wagw.store.assistant.AssistantSettings;
import io.wagw.store.assistant.Customers;
import io.wagw.store.assistant.Escalations;
import io.wagw.store.assistant.Knowledge;
import io.wagw.store.assistant.ModelUsage;
import io.wagw.store.assistant.Prompts;
import io.wagw.store.assistant.Retention;
import io.wagw.store.assistant.TenantSecrets;
import io.wagw.store.assistant.Turns;
import io.wagw.store.console.ConsoleSignIns;
import io.wagw.store.conversation.Conversations;
import io.wagw.store.db.Postgres;
import io.wagw.store.lease.Leases;
import io.wagw.store.message.Messages;
import io.wagw.store.session.Sessions;
import io.wagw.store.snapshot.AuthSnapshots;
import io.wagw.store.snapshot.MasterKeyring;
import io.wagw.store.snapshot.SnapshotCipher;
import io.wagw.store.tenant.Tenants;
import io.wagw.store.usage.Usage;
import io.wagw.store.webhook.WebhookOutbox;
import java.sql.SQLException;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementExceptions;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;

/**
 * The session store of one node: PostgreSQL (embedded or external), migrated, with one service per
 * kind of record. Nothing outside this module talks SQL.
 */
public final class SessionStore implements AutoCloseable {
    private final Postgres postgres;
    private final MasterKeyring keyring;
    private final Tenants tenants;
    private final Sessions sessions;
    private final Leases leases;
    private final AuthSnapshots snapshots;
    private final Messages messages;
    private final Usage usage;
    private final ApiKeys apiKeys;
    private final WebhookOutbox webhooks;
    private final AssistantSettings assistantSettings;
    private final Customers customers;
    private final Escalations escalations;
    private final Prompts prompts;
    private final Knowledge knowledge;
    private final Turns turns;
    private final Retention retention;
    private final TenantSecrets secrets;
    private final ModelUsage modelUsage;
    private final ConsoleSignIns consoleSignIns;
    private final Conversations conversations;

    private SessionStore(Postgres postgres, MasterKeyring keyring) {
        this.postgres = postgres;
        this.keyring = keyring;
        Jdbi jdbi = configure(Jdbi.create(postgres.dataSource()));
        this.tenants = new Tenants(jdbi);
        this.sessions = new Sessions(jdbi);
        this.leases = new Leases(jdbi, configure(Jdbi.create(postgres.leaseDataSource())));
        this.snapshots = new AuthSnapshots(jdbi, new SnapshotCipher(keyring));
        this.messages = new Messages(jdbi);
        this.usage = new Usage(jdbi);
        this.apiKeys = new ApiKeys(jdbi);
        this.webhooks = new WebhookOutbox(jdbi);
        this.assistantSettings = new AssistantSettings(jdbi);
        this.customers = new Customers(jdbi);
        this.escalations = new Escalations(jdbi);
        this.prompts = new Prompts(jdbi);
        this.knowledge = new Knowledge(jdbi);
        this.turns = new Turns(jdbi);
        this.retention = new Retention(jdbi);
        this.secrets = new TenantSecrets(keyring);
        this.modelUsage = new ModelUsage(jdbi);
        this.consoleSignIns = new ConsoleSignIns(jdbi);
        this.conversations = new Conversations(jdbi);
    }

    /**
     * The store's Jdbi settings. Its exceptions name neither the statement nor its bound values (by default
     * a failure's message carries both: message text, phone numbers, webhook keys), so that a failure can
     * be logged as it is. Enums with a {@link WireValue} are bound and read by that value (registered last, so
     * that it takes precedence over Jdbi's by-name enum support).
     */
    static Jdbi configure(Jdbi jdbi) {
        jdbi.getConfig(StatementExceptions.class).setMessageRendering(StatementExceptions.MessageRendering.NONE);
        var wireValues = new WireValueCodec();
        return jdbi.installPlugin(new SqlObjectPlugin())
                .installPlugin(new PostgresPlugin())
                .registerArgument(wireValues)
                .registerColumnMapper(wireValues);
    }

    /** Loads the master key (failing fast on a bad key file), then starts and migrates PostgreSQL. */
    public static SessionStore open(StoreConfig config) {
        MasterKeyring keyring = config.masterKeyFile()
                .map(MasterKeyring::load)
                .orElseGet(() -> MasterKeyring.loadOrCreate(config.dataDir()));
        return new SessionStore(Postgres.start(config), keyring);
    }

    public ConsoleSignIns consoleSignIns() {
        return consoleSignIns;
    }

    public Conversations conversations() {
        return conversations;
    }

    public AssistantSettings assistantSettings() {
        return assistantSettings;
    }

    public Customers customers() {
        return customers;
    }

    public Escalations escalations() {
        return escalations;
    }

    public Prompts prompts() {
        return prompts;
    }

    public Knowledge knowledge() {
        return knowledge;
    }

    public Turns turns() {
        return turns;
    }

    public Retention retention() {
        return retention;
    }

    /** Tenants' secrets sealed with the master key (a model provider's API key). */
    public TenantSecrets secrets() {
        return secrets;
    }

    /** Language model calls per tenant, month, provider and model. */
    public ModelUsage modelUsage() {
        return modelUsage;
    }

    public Tenants tenants() {
        return tenants;
    }

    public Sessions sessions() {
        return sessions;
    }

    public Leases leases() {
        return leases;
    }

    public AuthSnapshots snapshots() {
        return snapshots;
    }

    public Messages messages() {
        return messages;
    }

    public Usage usage() {
        return usage;
    }

    public ApiKeys apiKeys() {
        return apiKeys;
    }

    /** The durable outbox of webhook deliveries. */
    public WebhookOutbox webhooks() {
        return webhooks;
    }

    /** Id of the master key new snapshots are encrypted with. */
    public String masterKeyId() {
        return keyring.currentKeyId();
    }

    /** A secret derived from the cluster's master key for {@code label} (same on every node). */
    public byte[] derivedSecret(String label) {
        return keyring.derive(label);
    }

    public boolean embedded() {
        return postgres.embedded();
    }

    public String jdbcUrl() {
        return postgres.jdbcUrl();
    }

    public int schemaVersion() {
        return postgres.schemaVersion();
    }

    /**
     * The embedded server's superuser password, for tools and tests on this machine (it is also in
     * {@code dataDir/postgres.password}); empty with an external server.
     */
    public Optional<String> embeddedPassword() {
        return postgres.embeddedPassword();
    }

    /**
     * Whether the database answers right now. Asked through the lease renewals' connections: the shared pool
     * may have none free for seconds (a burst of starts) while the database answers well.
     */
    public boolean reachable() {
        try (var c = postgres.leaseDataSource().getConnection()) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        postgres.close();
    }
}
