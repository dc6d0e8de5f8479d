package io.wagw.sim.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.wagw.sim.api.AccountInfo;
import io.wagw.sim.api.CustomerInfo;
import io.wagw.sim.api.DeviceInfo;
import io.wagw.sim.api.Faults;
import io.wagw.sim.api.MessageInfo;
import io.wagw.sim.api.Stats;
import io.wagw.sim.core.Account;
import io.wagw.sim.core.Ack;
import io.wagw.sim.core.ApiError;
import io.wagw.sim.core.Customer;
import io.wagw.sim.core.Device;
import io.wagw.sim.core.InboundMessage;
import io.wagw.sim.core.Phones;
import io.wagw.sim.core.SentMessage;
import io.wagw.sim.core.World;
import io.wagw.sim.page.PageHub;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JSON control API under {@code /sim/}: the phones, the customers and WhatsApp's servers as tests
 * drive them. Handlers run on the event loop that owns the {@link World}; every refusal is an
 * {@link ApiError} rendered by {@link #failure}.
 */
public final class ControlRoutes {
    private static final Logger log = LoggerFactory.getLogger(ControlRoutes.class);
    /** Largest request body; a batch of messages is the biggest legitimate one. */
    public static final long BODY_LIMIT = 4 * 1024 * 1024;

    private static final int BATCH_MAX = 10_000;

    private final World world;
    private final PageHub hub;
    private final ObjectMapper mapper;

    public ControlRoutes(World world, PageHub hub, ObjectMapper mapper) {
        this.world = world;
        this.hub = hub;
        this.mapper = mapper;
    }

    /** Mounts the routes on {@code router}. */
    public void mount(Router router) {
        router.route("/sim/*").handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT));
        router.get("/sim/health").handler(ctx -> json(ctx, 200, Map.of("status", "ok")));
        router.get("/sim/stats").handler(this::stats);
        router.post("/sim/accounts").handler(this::createAccount);
        router.get("/sim/accounts").handler(this::listAccounts);
        router.get("/sim/accounts/:phone").handler(this::getAccount);
        router.post("/sim/accounts/:phone/link").handler(this::link);
        router.get("/sim/accounts/:phone/devices").handler(this::devices);
        router.delete("/sim/accounts/:phone/devices/:device").handler(this::unlink);
        router.get("/sim/accounts/:phone/sent").handler(this::sent);
        router.get("/sim/accounts/:phone/received").handler(this::received);
        router.put("/sim/customers/:phone").handler(this::upsertCustomer);
        router.get("/sim/customers/:phone").handler(this::getCustomer);
        router.post("/sim/customers/:phone/messages").handler(this::customerSends);
        router.post("/sim/customers/:phone/acks").handler(this::customerAcks);
        router.post("/sim/customers/:phone/read").handler(this::customerReads);
        router.post("/sim/messages/batch").handler(this::batch);
        router.get("/sim/pages").handler(ctx -> json(ctx, 200, Map.of("pages", hub.pages())));
        router.get("/sim/faults").handler(ctx -> json(ctx, 200, hub.faults()));
        router.put("/sim/faults").handler(this::setFaults);
        router.post("/sim/faults/drop").handler(ctx -> json(ctx, 200, Map.of("dropped", hub.dropAll())));
    }

    private void stats(RoutingContext ctx) {
        Runtime rt = Runtime.getRuntime();
        json(
                ctx,
                200,
                new Stats(
                        world.accounts().size(),
                        world.customerCount(),
                        world.deviceCount(),
                        hub.pageCount(),
                        hub.activeCount(),
                        world.conflicts(),
                        world.logins(),
                        world.refusedLogins(),
                        world.messagesIn(),
                        world.messagesOut(),
                        world.queuedCount(),
                        rt.totalMemory() - rt.freeMemory()));
    }

    private void createAccount(RoutingContext ctx) {
        JsonBody b = body(ctx);
        Account a = world.createAccount(Phones.require(b.string("phone"), "phone"), b.string("pushName"));
        json(ctx, 201, account(a));
    }

    private void listAccounts(RoutingContext ctx) {
        int offset = queryInt(ctx, "offset", 0, 0, Integer.MAX_VALUE);
        int limit = queryInt(ctx, "limit", 100, 1, 10_000);
        List<AccountInfo> page = world.accounts().stream()
                .skip(offset)
                .limit(limit)
                .map(this::account)
                .toList();
        json(ctx, 200, Map.of("accounts", page, "total", world.accounts().size()));
    }

    private void getAccount(RoutingContext ctx) {
        json(ctx, 200, account(pathAccount(ctx)));
    }

    private void link(RoutingContext ctx) {
        Account a = pathAccount(ctx);
        JsonBody b = body(ctx);
        String qr = b.optString("qr");
        String code = b.optString("code");
        if ((qr == null) == (code == null)) {
            throw new ApiError(
                    400, "invalid_field", "give exactly one of qr (the QR payload) or code (the pairing code)", "qr");
        }
        Device d = qr != null ? hub.linkByQr(a.phone(), qr) : hub.linkByCode(a.phone(), code);
        json(ctx, 201, device(d));
    }

    private void devices(RoutingContext ctx) {
        json(
                ctx,
                200,
                Map.of(
                        "devices",
                        pathAccount(ctx).devices().stream().map(this::device).toList()));
    }

    private void unlink(RoutingContext ctx) {
        Account a = pathAccount(ctx);
        String id = ctx.pathParam("device");
        if (!id.contains(":")) id = a.phone() + ":" + id;
        if (!id.startsWith(a.phone() + ":"))
            throw new ApiError(404, "unknown_device", "no linked device " + id + " on this account", "device");
        int live = hub.liveConnections(id);
        Device d = hub.unlink(id, "unlinked");
        json(ctx, 200, Map.of("unlinked", d.id(), "loggedOutPages", live));
    }

    private void sent(RoutingContext ctx) {
        Account a = pathAccount(ctx);
        String customer = ctx.queryParams().get("customer");
        List<MessageInfo> out = new ArrayList<>();
        for (SentMessage m : a.sent()) if (customer == null || m.to().equals(customer)) out.add(message(m));
        json(ctx, 200, Map.of("messages", out));
    }

    private void received(RoutingContext ctx) {
        Account a = pathAccount(ctx);
        String customer = ctx.queryParams().get("customer");
        List<MessageInfo> out = new ArrayList<>();
        for (InboundMessage m : a.received()) if (customer == null || m.from().equals(customer)) out.add(message(m));
        json(ctx, 200, Map.of("messages", out));
    }

    private void upsertCustomer(RoutingContext ctx) {
        String phone = Phones.require(ctx.pathParam("phone"), "phone");
        JsonBody b = body(ctx);
        Customer c = hub.upsertCustomer(phone, b.optString("pushName"), b.optBoolean("online"));
        json(ctx, 200, customer(c));
    }

    private void getCustomer(RoutingContext ctx) {
        json(ctx, 200, customer(world.customer(Phones.require(ctx.pathParam("phone"), "phone"))));
    }

    private void customerSends(RoutingContext ctx) {
        String from = Phones.require(ctx.pathParam("phone"), "phone");
        JsonBody b = body(ctx);
        String to = Phones.require(b.string("to"), "to");
        String text = b.string("text");
        json(ctx, 201, message(hub.customerSends(from, to, text)));
    }

    private void customerAcks(RoutingContext ctx) {
        String customer = Phones.require(ctx.pathParam("phone"), "phone");
        JsonBody b = body(ctx);
        String account = Phones.require(b.string("account"), "account");
        Ack ack = Ack.parse(b.string("ack"));
        if (ack == null || ack.level() < Ack.DELIVERED.level()) {
            throw ApiError.badField("ack", "ack must be one of delivered, read, played");
        }
        acked(ctx, hub.customerAcks(customer, account, ack, b.optStrings("ids")));
    }

    private void customerReads(RoutingContext ctx) {
        String customer = Phones.require(ctx.pathParam("phone"), "phone");
        JsonBody b = body(ctx);
        String account = Phones.require(b.string("account"), "account");
        acked(ctx, hub.customerAcks(customer, account, Ack.READ, b.optStrings("ids")));
    }

    private void acked(RoutingContext ctx, List<SentMessage> changed) {
        json(
                ctx,
                200,
                Map.of(
                        "updated",
                        changed.size(),
                        "messages",
                        changed.stream().map(this::message).toList()));
    }

    /** Many customer messages at once; all are checked before any is accepted. */
    private void batch(RoutingContext ctx) {
        List<JsonBody> items = body(ctx).objects("messages", BATCH_MAX);
        record Item(String from, String to, String text) {}
        List<Item> checked = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            JsonBody it = items.get(i);
            try {
                String from = Phones.require(it.string("from"), "from");
                String to = Phones.require(it.string("to"), "to");
                String text = it.string("text");
                world.account(to);
                if (world.isUser(from) && !isCustomer(from))
                    throw new ApiError(409, "is_account", "from is a simulated account", "from");
                if (text.isEmpty() || text.length() > world.maxTextChars()) {
                    throw new ApiError(
                            413,
                            "text_too_long",
                            "text must have 1 to " + world.maxTextChars() + " characters",
                            "text");
                }
                checked.add(new Item(from, to, text));
            } catch (ApiError e) {
                throw new ApiError(
                        e.status(),
                        e.code(),
                        "messages[" + i + "]: " + e.getMessage(),
                        "messages[" + i + "]." + (e.field() == null ? "" : e.field()));
            }
        }
        for (Item it : checked) hub.customerSends(it.from(), it.to(), it.text());
        json(ctx, 202, Map.of("accepted", checked.size()));
    }

    private boolean isCustomer(String phone) {
        try {
            world.customer(phone);
            return true;
        } catch (ApiError e) {
            return false;
        }
    }

    private void setFaults(RoutingContext ctx) {
        JsonBody b = body(ctx);
        Faults now = hub.faults();
        Long latency = b.optLong("latencyMs", 0, 60_000);
        Boolean fail = b.optBoolean("failSends");
        Boolean asHistory = b.optBoolean("queuedAsHistory");
        Faults next = new Faults(
                latency == null ? now.latencyMs() : latency,
                fail == null ? now.failSends() : fail,
                asHistory == null ? now.queuedAsHistory() : asHistory);
        hub.faults(next);
        json(ctx, 200, next);
    }

    // ---- views ----

    private AccountInfo account(Account a) {
        return new AccountInfo(
                a.phone(),
                a.pushName(),
                Phones.userWid(a.phone()),
                a.createdAt(),
                a.devices().stream().map(this::device).toList());
    }

    private DeviceInfo device(Device d) {
        return new DeviceInfo(
                d.id(),
                d.account().phone() + ":" + d.id().substring(d.id().indexOf(':') + 1) + "@s.whatsapp.net",
                d.via(),
                d.linkedAt(),
                hub.liveConnections(d.id()),
                hub.isActive(d.id()),
                d.ackedSeq());
    }

    private MessageInfo message(SentMessage m) {
        return new MessageInfo(
                m.id(),
                m.serializedId(),
                m.from(),
                m.to(),
                m.text(),
                m.t(),
                m.ack().level(),
                m.ack().name().toLowerCase(Locale.ROOT),
                m.deviceId());
    }

    private MessageInfo message(InboundMessage m) {
        return new MessageInfo(
                m.id(),
                m.serializedId(),
                m.from(),
                m.to(),
                m.text(),
                m.t(),
                m.ack().level(),
                m.ack().name().toLowerCase(Locale.ROOT),
                null);
    }

    private static CustomerInfo customer(Customer c) {
        return new CustomerInfo(c.phone(), c.pushName(), c.online(), c.chatStates());
    }

    // ---- plumbing ----

    private Account pathAccount(RoutingContext ctx) {
        return world.account(Phones.require(ctx.pathParam("phone"), "phone"));
    }

    private JsonBody body(RoutingContext ctx) {
        return JsonBody.parse(mapper, ctx.body() == null ? null : ctx.body().asString());
    }

    private static int queryInt(RoutingContext ctx, String name, int def, int min, int max) {
        String v = ctx.queryParams().get(name);
        if (v == null) return def;
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw ApiError.badField(name, name + " must be a whole number from " + min + " to " + max);
        }
    }

    private void json(RoutingContext ctx, int status, Object body) {
        try {
            ctx.response()
                    .setStatusCode(status)
                    .putHeader("Content-Type", "application/json")
                    .end(mapper.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The one failure handler: {@link ApiError} and router errors become 4xx JSON {@code {error, message, field}}. */
    public void failure(RoutingContext ctx) {
        Throwable t = ctx.failure();
        ApiError e;
        if (t instanceof ApiError api) {
            e = api;
        } else if (ctx.statusCode() == 413) {
            e = new ApiError(413, "body_too_large", "the request body is larger than " + BODY_LIMIT + " bytes");
        } else if (ctx.statusCode() == 405) {
            e = new ApiError(
                    405,
                    "method_not_allowed",
                    ctx.request().method() + " is not allowed on "
                            + ctx.request().path());
        } else if (ctx.statusCode() == 404) {
            e = new ApiError(404, "not_found", "nothing at " + ctx.request().path());
        } else if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
            e = new ApiError(ctx.statusCode(), "bad_request", "the request could not be read");
        } else {
            log.error(
                    "control API failure on {} {}",
                    ctx.request().method(),
                    ctx.request().path(),
                    t);
            e = new ApiError(500, "internal", "the simulator failed to handle this request");
        }
        if (ctx.response().ended()) return;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e.code());
        body.put("message", e.getMessage());
        body.put("field", e.field());
        json(ctx, e.status(), body);
    }
}
