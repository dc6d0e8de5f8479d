package io.wagw.sim.page;

import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wagw.sim.SimulatorOptions;
import io.wagw.sim.api.Faults;
import io.wagw.sim.api.PageInfo;
import io.wagw.sim.core.Account;
import io.wagw.sim.core.Ack;
import io.wagw.sim.core.ApiError;
import io.wagw.sim.core.Customer;
import io.wagw.sim.core.Device;
import io.wagw.sim.core.InboundMessage;
import io.wagw.sim.core.Linking;
import io.wagw.sim.core.PageKeys;
import io.wagw.sim.core.Phones;
import io.wagw.sim.core.QrPayload;
import io.wagw.sim.core.SentMessage;
import io.wagw.sim.core.World;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server end of the page protocol: every open page WebSocket, its login lifecycle (QR rounds,
 * pairing codes, credentials, conflicts) and the pushes of messages and acks. All methods run on the
 * simulator's event loop, which also owns the {@link World}. The frames are documented in the
 * module's README.
 */
public final class PageHub {
    private static final Logger log = LoggerFactory.getLogger(PageHub.class);
    private static final int HISTORY_PER_CHAT = 50;

    private final Vertx vertx;
    private final World world;
    private final SimulatorOptions options;
    private Faults faults = Faults.NONE;
    private long nextPageId = 1;
    private final Map<Long, PageConnection> pages = new LinkedHashMap<>();
    /** The one connection in use per device id. */
    private final Map<String, PageConnection> active = new HashMap<>();
    /** Every open connection logged in per device id, a displaced (conflict) one included. */
    private final Map<String, Set<PageConnection>> byDevice = new HashMap<>();

    public PageHub(Vertx vertx, World world, SimulatorOptions options) {
        this.vertx = vertx;
        this.world = world;
        this.options = options;
    }

    // ---- connections ----

    /** Takes a page's WebSocket for its lifetime. */
    public void accept(ServerWebSocket ws) {
        PageConnection p = new PageConnection(nextPageId++, ws, ws.headers().get("User-Agent"));
        pages.put(p.id, p);
        ws.textMessageHandler(text -> onFrame(p, text));
        ws.closeHandler(v -> onClose(p));
        ws.exceptionHandler(e -> log.debug("page {} socket error: {}", p.id, e.toString()));
    }

    private void onClose(PageConnection p) {
        if (p.closed) return;
        p.closed = true;
        pages.remove(p.id);
        cancelTimer(p);
        world.linking().retire(p.id);
        detach(p);
    }

    private void detach(PageConnection p) {
        if (p.device == null) return;
        String id = p.device.id();
        Set<PageConnection> set = byDevice.get(id);
        if (set != null) {
            set.remove(p);
            if (set.isEmpty()) byDevice.remove(id);
        }
        if (active.get(id) == p) active.remove(id);
        p.device = null;
    }

    private void onFrame(PageConnection p, String text) {
        JsonObject f;
        try {
            f = new JsonObject(text);
        } catch (DecodeException | ClassCastException e) {
            send(p, frame("error").put("message", "frame is not a JSON object"));
            return;
        }
        try {
            switch (String.valueOf(f.getValue("type"))) {
                case "hello" -> hello(p, f);
                case "qr-refresh" -> qrRefresh(p);
                case "link-code" -> linkCodeRequest(p, f);
                case "login" -> login(p, f);
                case "takeover" -> takeover(p);
                case "logout" -> logout(p);
                case "send" -> pageSend(p, f);
                case "recv-ack" -> recvAck(p, f);
                case "seen" -> seen(p, f);
                case "chatstate" -> chatState(p, f);
                case "exists" -> exists(p, f);
                default -> send(p, frame("error").put("message", "unknown frame type " + f.getValue("type")));
            }
        } catch (ApiError e) {
            send(
                    p,
                    frame("error")
                            .put("message", e.getMessage())
                            .put("field", e.field())
                            .put("rid", f.getValue("rid")));
        } catch (ClassCastException e) {
            send(p, frame("error").put("message", "a field has the wrong type").put("rid", f.getValue("rid")));
        }
    }

    // ---- login offers ----

    private void hello(PageConnection p, JsonObject f) {
        if (p.device != null) return;
        JsonObject k = f.getJsonObject("keys");
        if (k == null) throw ApiError.badField("keys", "keys is required");
        p.keys = new PageKeys(k.getString("noisePub"), k.getString("identityPub"), k.getString("advSecret"));
        startQrRound(p);
    }

    private void qrRefresh(PageConnection p) {
        if (p.keys == null || p.device != null || p.phase == PageConnection.Phase.PAIRED) return;
        startQrRound(p);
    }

    private void startQrRound(PageConnection p) {
        p.round = 0;
        showQr(p);
    }

    private void showQr(PageConnection p) {
        cancelTimer(p);
        long ttl = p.round == 0 ? options.qrFirstMs() : options.qrNextMs();
        QrPayload qr = world.linking().issueQr(p.id, p.keys, ttl, world.now());
        p.phase = PageConnection.Phase.QR;
        p.offer = qr.format();
        send(
                p,
                frame("qr")
                        .put("ref", qr.ref())
                        .put("payload", p.offer)
                        .put("matrix", new JsonArray(new ArrayList<>(QrMatrix.encode(p.offer))))
                        .put("index", p.round + 1)
                        .put("of", options.qrCodes())
                        .put("ttlMs", ttl));
        p.timer = vertx.setTimer(ttl, t -> {
            p.timer = -1;
            p.round++;
            if (p.round < options.qrCodes()) {
                showQr(p);
            } else {
                world.linking().retire(p.id);
                p.phase = PageConnection.Phase.QR_IDLE;
                p.offer = null;
                send(p, frame("qr-idle"));
            }
        });
    }

    private void linkCodeRequest(PageConnection p, JsonObject f) {
        if (p.keys == null || p.device != null)
            throw ApiError.badField("type", "this page is not waiting to be linked");
        String phone = f.getString("phone");
        if (!Phones.isValid(phone)) {
            send(p, frame("link-code-error").put("message", "Invalid phone number"));
            return;
        }
        try {
            world.account(phone);
        } catch (ApiError e) {
            send(p, frame("link-code-error").put("message", "This phone number is not registered on WhatsApp"));
            return;
        }
        p.codePhone = phone;
        p.round = 0;
        showCode(p);
    }

    private void showCode(PageConnection p) {
        cancelTimer(p);
        long ttl = options.pairingCodeMs();
        String code = world.linking().issueCode(p.id, p.keys, p.codePhone, ttl, world.now());
        p.phase = PageConnection.Phase.CODE;
        p.offer = code;
        send(
                p,
                frame("link-code")
                        .put("code", code)
                        .put("index", p.round + 1)
                        .put("of", options.pairingCodes())
                        .put("ttlMs", ttl));
        p.timer = vertx.setTimer(ttl, t -> {
            p.timer = -1;
            p.round++;
            if (p.round < options.pairingCodes()) {
                showCode(p);
            } else {
                world.linking().retire(p.id);
                p.phase = PageConnection.Phase.CODE_IDLE;
                p.offer = null;
                send(p, frame("link-code-idle"));
            }
        });
    }

    /** The phone of {@code phone} scans a QR payload (control API). */
    public Device linkByQr(String phone, String payload) {
        Account account = world.account(phone);
        return paired(account, world.linking().claimQr(payload, world.now()));
    }

    /** The phone of {@code phone} enters a pairing code (control API). */
    public Device linkByCode(String phone, String code) {
        Account account = world.account(phone);
        return paired(account, world.linking().claimCode(code, phone, world.now()));
    }

    private Device paired(Account account, Linking.Offer offer) {
        Device d = world.link(account, offer);
        PageConnection p = pages.get(offer.pageId());
        if (p != null) {
            cancelTimer(p);
            p.phase = PageConnection.Phase.PAIRED;
            p.offer = null;
            send(
                    p,
                    frame("paired")
                            .put("device", d.id())
                            .put("wid", Phones.userWid(account.phone()))
                            .put("mdWid", d.mdWid())
                            .put("pushname", account.pushName())
                            .put("secret", d.secretB64())
                            .put("platform", QrPayload.WEB_PLATFORM));
        }
        log.info(
                "device {} linked via {}",
                Phones.mask(account.phone()) + ":" + d.id().substring(d.id().indexOf(':') + 1),
                d.via());
        return d;
    }

    // ---- sessions ----

    private void login(PageConnection p, JsonObject f) {
        if (p.device != null) return;
        cancelTimer(p);
        world.linking().retire(p.id);
        byte[] secret;
        try {
            secret = Base64.getDecoder().decode(String.valueOf(f.getString("secret")));
        } catch (IllegalArgumentException e) {
            secret = null;
        }
        World.Login result =
                world.login(f.getString("device"), secret, f.getString("noisePub"), f.getString("identityPub"));
        if (!result.ok()) {
            p.phase = PageConnection.Phase.REFUSED;
            send(p, frame("login-refused").put("reason", result.refusal()));
            return;
        }
        p.device = result.device();
        // A page that already holds its chats (a reconnect within one page load) skips the loading screen.
        p.synced = Boolean.TRUE.equals(f.getValue("synced"));
        byDevice.computeIfAbsent(p.device.id(), k -> new HashSet<>()).add(p);
        activate(p);
    }

    private void takeover(PageConnection p) {
        if (p.device == null || p.phase != PageConnection.Phase.CONFLICT) return;
        activate(p);
    }

    /** Makes {@code p} the connection in use for its device; a live one it displaces is a conflict. */
    private void activate(PageConnection p) {
        String id = p.device.id();
        PageConnection previous = active.get(id);
        if (previous != null && previous != p) {
            world.countConflict();
            previous.phase = PageConnection.Phase.CONFLICT;
            send(previous, frame("conflict"));
            log.warn("conflict: two live connections for device {}", Phones.mask(id));
        }
        active.put(id, p);
        p.phase = PageConnection.Phase.CONNECTED;
        p.pushedSeq = p.device.ackedSeq();
        Account a = p.device.account();
        send(
                p,
                frame("welcome")
                        .put("device", id)
                        .put("wid", Phones.userWid(a.phone()))
                        .put("mdWid", p.device.mdWid())
                        .put("pushname", a.pushName())
                        .put("syncMs", options.syncMs())
                        .put("synced", p.synced));
        if (p.synced) {
            flush(p);
        } else {
            cancelTimer(p);
            p.timer = vertx.setTimer(Math.max(1, options.syncMs()), t -> {
                p.timer = -1;
                if (active.get(id) == p && !p.closed) sync(p);
            });
        }
    }

    private void logout(PageConnection p) {
        if (p.device == null) return;
        unlink(p.device.id(), "logout");
    }

    /** The phone unlinks a device (control API) or its page logs out: every page of it is logged out. */
    public Device unlink(String deviceId, String reason) {
        Device d = world.unlink(deviceId);
        Set<PageConnection> conns = byDevice.remove(deviceId);
        active.remove(deviceId);
        if (conns != null) {
            for (PageConnection p : conns) {
                p.device = null;
                p.phase = PageConnection.Phase.LOGGED_OUT;
                cancelTimer(p);
                send(p, frame("logged-out").put("reason", reason));
            }
        }
        return d;
    }

    private void sync(PageConnection p) {
        Account a = p.device.account();
        Map<String, List<JsonObject>> byChat = new LinkedHashMap<>();
        TreeMap<Long, Object> ordered = new TreeMap<>();
        if (faults.queuedAsHistory()) {
            // what waited for this device arrives with the history, and counts as delivered to it
            for (InboundMessage m : world.undelivered(p.device, p.pushedSeq))
                p.pushedSeq = Math.max(p.pushedSeq, m.seq());
            world.confirm(p.device, p.pushedSeq);
        }
        for (InboundMessage m : a.received()) if (m.seq() <= p.pushedSeq) ordered.put(m.seq(), m);
        for (SentMessage m : a.sent()) ordered.put(m.seq(), m);
        Map<String, Integer> unread = new HashMap<>();
        Map<String, Long> lastT = new HashMap<>();
        for (Object o : ordered.values()) {
            JsonObject msg;
            String chat;
            if (o instanceof InboundMessage m) {
                chat = m.from();
                msg = inboundFrame(m, false);
                if (m.ack().level() < Ack.READ.level()) unread.merge(chat, 1, Integer::sum);
                lastT.put(chat, m.t());
            } else {
                SentMessage m = (SentMessage) o;
                chat = m.to();
                msg = sentFrame(m);
                lastT.put(chat, m.t());
            }
            List<JsonObject> list = byChat.computeIfAbsent(chat, k -> new ArrayList<>());
            list.add(msg);
            if (list.size() > HISTORY_PER_CHAT) list.remove(0);
        }
        JsonArray chats = new JsonArray();
        JsonArray messages = new JsonArray();
        for (var e : byChat.entrySet()) {
            chats.add(chatFrame(e.getKey(), unread.getOrDefault(e.getKey(), 0), lastT.getOrDefault(e.getKey(), 0L)));
            e.getValue().forEach(messages::add);
        }
        send(p, frame("sync").put("chats", chats).put("messages", messages));
        p.synced = true;
        flush(p);
    }

    /** Pushes to a connection in use every inbound message its device has not confirmed, in order. */
    private void flush(PageConnection p) {
        if (p.device == null || active.get(p.device.id()) != p || !p.synced) return;
        for (InboundMessage m : world.undelivered(p.device, p.pushedSeq)) {
            send(
                    p,
                    inboundFrame(m, true)
                            .put("msgType", "chat")
                            .put("type", "msg")
                            .put("seq", m.seq()));
            p.pushedSeq = m.seq();
        }
    }

    private void recvAck(PageConnection p, JsonObject f) {
        if (p.device == null) return;
        world.confirm(p.device, f.getLong("seq", 0L));
    }

    private void seen(PageConnection p, JsonObject f) {
        if (p.device == null) return;
        String chat = f.getString("chat");
        if (Phones.isValid(chat)) world.markChatRead(p.device.account(), chat);
    }

    private void chatState(PageConnection p, JsonObject f) {
        if (p.device == null) return;
        String chat = f.getString("chat");
        String state = f.getString("state");
        if (Phones.isValid(chat)
                && ("composing".equals(state) || "recording".equals(state) || "paused".equals(state))) {
            world.chatState(p.device.account(), chat, state);
        }
    }

    private void exists(PageConnection p, JsonObject f) {
        String phone = f.getString("phone");
        boolean exists = Phones.isValid(phone) && world.isUser(phone);
        send(
                p,
                frame("exists")
                        .put("rid", f.getValue("rid"))
                        .put("phone", phone)
                        .put("exists", exists)
                        .put("pushName", exists ? world.pushNameOf(phone) : null));
    }

    private void pageSend(PageConnection p, JsonObject f) {
        String id = f.getString("id");
        if (p.device == null || active.get(p.device.id()) != p) {
            send(p, frame("send-result").put("id", id).put("ok", false).put("error", "not_connected"));
            return;
        }
        String to = f.getString("to");
        String body = f.getString("body");
        if (id == null || id.isBlank() || id.length() > 64)
            throw ApiError.badField("id", "id is required (at most 64 characters)");
        Phones.require(to, "to");
        if (body == null || body.isEmpty() || body.length() > world.maxTextChars()) {
            throw ApiError.badField("body", "body must have 1 to " + world.maxTextChars() + " characters");
        }
        SentMessage m = world.send(p.device, id, to, body, faults.failSends());
        boolean ok = m.ack() != Ack.ERROR;
        send(
                p,
                frame("send-result")
                        .put("id", m.serializedId())
                        .put("ok", ok)
                        .put("t", m.t())
                        .put("ack", ok ? Ack.SERVER.level() : Ack.ERROR.level())
                        .put("error", ok ? null : (world.isUser(to) ? "send_failed" : "not_on_whatsapp")));
        if (m.ack().level() > Ack.SERVER.level()) pushAck(p.device.account(), m);
    }

    // ---- pushes from the control API ----

    /** A customer's message reached the server: pages in use for the account get it now, others later. */
    public InboundMessage customerSends(String from, String to, String text) {
        InboundMessage m = world.receive(from, to, text);
        for (Device d : world.account(to).devices()) {
            PageConnection p = active.get(d.id());
            if (p != null) flush(p);
        }
        return m;
    }

    /** A customer's phone acks what an account sent it (delivered, read, played). */
    public List<SentMessage> customerAcks(String customer, String account, Ack ack, Collection<String> ids) {
        List<SentMessage> changed = world.customerAcks(customer, account, ack, ids);
        Account a = world.account(account);
        for (SentMessage m : changed) pushAck(a, m);
        return changed;
    }

    /** Registers or updates a customer; coming online delivers what waited for it. */
    public Customer upsertCustomer(String phone, String pushName, Boolean online) {
        Customer c = world.upsertCustomer(phone, pushName, online);
        if (c.online()) world.customerOnline(c).forEach((a, list) -> list.forEach(m -> pushAck(a, m)));
        return c;
    }

    private void pushAck(Account a, SentMessage m) {
        for (Device d : a.devices()) {
            PageConnection p = active.get(d.id());
            if (p != null)
                send(
                        p,
                        frame("ack")
                                .put("id", m.serializedId())
                                .put("ack", m.ack().level()));
        }
    }

    // ---- faults and introspection ----

    public Faults faults() {
        return faults;
    }

    public void faults(Faults f) {
        this.faults = f;
    }

    /** Closes every page connection, as a network outage would; pages reconnect by themselves. */
    public int dropAll() {
        List<PageConnection> all = new ArrayList<>(pages.values());
        for (PageConnection p : all) p.ws.close((short) 1001, "dropped by fault injection");
        return all.size();
    }

    public int pageCount() {
        return pages.size();
    }

    public int activeCount() {
        return active.size();
    }

    public int liveConnections(String deviceId) {
        Set<PageConnection> s = byDevice.get(deviceId);
        return s == null ? 0 : s.size();
    }

    public boolean isActive(String deviceId) {
        return active.containsKey(deviceId);
    }

    public List<PageInfo> pages() {
        List<PageInfo> out = new ArrayList<>(pages.size());
        for (PageConnection p : pages.values()) {
            String state = p.phase.name().toLowerCase(Locale.ROOT);
            boolean qr = p.phase == PageConnection.Phase.QR;
            boolean code = p.phase == PageConnection.Phase.CODE;
            out.add(new PageInfo(
                    p.id,
                    state,
                    qr ? p.offer : null,
                    qr ? p.round + 1 : 0,
                    code ? p.offer : null,
                    p.device == null ? null : p.device.id(),
                    p.synced,
                    p.userAgent));
        }
        return out;
    }

    // ---- frames ----

    private JsonObject inboundFrame(InboundMessage m, boolean isNew) {
        return message(
                false,
                m.from(),
                m.id(),
                m.serializedId(),
                m.text(),
                m.t(),
                Phones.userWid(m.from()),
                Phones.userWid(m.to()),
                m.pushName(),
                m.ack().level(),
                isNew);
    }

    private JsonObject sentFrame(SentMessage m) {
        return message(
                true,
                m.to(),
                m.id(),
                m.serializedId(),
                m.text(),
                m.t(),
                Phones.userWid(m.from()),
                Phones.userWid(m.to()),
                world.pushNameOf(m.from()),
                m.ack().level(),
                false);
    }

    private static JsonObject message(
            boolean fromMe,
            String remote,
            String id,
            String serialized,
            String body,
            long t,
            String from,
            String to,
            String notifyName,
            int ack,
            boolean isNew) {
        return new JsonObject()
                .put(
                        "id",
                        new JsonObject()
                                .put("fromMe", fromMe)
                                .put("remote", Phones.userWid(remote))
                                .put("id", id)
                                .put("_serialized", serialized))
                .put("body", body)
                .put("type", "chat")
                .put("t", t)
                .put("from", from)
                .put("to", to)
                .put("notifyName", notifyName)
                .put("ack", ack)
                .put("isNewMsg", isNew);
    }

    private JsonObject chatFrame(String phone, int unread, long t) {
        String name = world.pushNameOf(phone);
        return new JsonObject()
                .put("id", Phones.userWid(phone))
                .put("name", name == null ? "+" + phone : name)
                .put("unreadCount", unread)
                .put("t", t);
    }

    private static JsonObject frame(String type) {
        return new JsonObject().put("type", type);
    }

    private void send(PageConnection p, JsonObject f) {
        if (p.closed) return;
        String text = f.encode();
        long latency = faults.latencyMs();
        long now = System.nanoTime() / 1_000_000;
        if (latency <= 0 && p.lastDueMs <= now) {
            p.ws.writeTextMessage(text);
            return;
        }
        long due = Math.max(now + latency, p.lastDueMs);
        p.lastDueMs = due;
        vertx.setTimer(Math.max(1, due - now), t -> {
            if (!p.closed) p.ws.writeTextMessage(text);
        });
    }

    private void cancelTimer(PageConnection p) {
        if (p.timer >= 0) {
            vertx.cancelTimer(p.timer);
            p.timer = -1;
        }
    }
}
