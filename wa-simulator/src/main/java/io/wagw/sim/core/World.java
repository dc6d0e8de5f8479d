package io.wagw.sim.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * WhatsApp's servers and the phones, as plain state: accounts, customers, linked devices, messages
 * and acks. No I/O and no threads: one thread (the simulator's event loop) owns an instance, and the
 * caller turns the returned changes into pushes to pages.
 */
public final class World {
    /** Outcome of a page presenting stored credentials: a device, or why not. */
    public record Login(Device device, String refusal) {
        public boolean ok() {
            return device != null;
        }
    }

    private final Map<String, Account> accounts = new LinkedHashMap<>();
    private final Map<String, Customer> customers = new HashMap<>();
    private final LongSupplier clockMillis;
    private final RandomGenerator random;
    private final int maxTextChars;
    private final int historyLimit;
    private final Linking linking;

    private long conflicts;
    private long messagesIn;
    private long messagesOut;
    private long logins;
    private long refusedLogins;

    public World(LongSupplier clockMillis, RandomGenerator random, int maxTextChars, int historyLimit) {
        this.clockMillis = clockMillis;
        this.random = random;
        this.maxTextChars = maxTextChars;
        this.historyLimit = historyLimit;
        this.linking = new Linking(random);
    }

    public Linking linking() {
        return linking;
    }

    public long now() {
        return clockMillis.getAsLong();
    }

    public int maxTextChars() {
        return maxTextChars;
    }

    // ---- accounts and customers ----

    public Account createAccount(String phone, String pushName) {
        Phones.require(phone, "phone");
        requireName(pushName);
        if (accounts.containsKey(phone)) {
            throw new ApiError(409, "account_exists", "an account with this phone number exists", "phone");
        }
        Account account = new Account(phone, pushName, now());
        accounts.put(phone, account);
        return account;
    }

    public Account account(String phone) {
        Account a = accounts.get(phone);
        if (a == null) throw ApiError.unknownAccount(phone);
        return a;
    }

    public Collection<Account> accounts() {
        return Collections.unmodifiableCollection(accounts.values());
    }

    public Customer customer(String phone) {
        Customer c = customers.get(phone);
        if (c == null)
            throw new ApiError(404, "unknown_customer", "no customer with phone number " + Phones.mask(phone), "phone");
        return c;
    }

    public int customerCount() {
        return customers.size();
    }

    /** Registers or updates a customer; {@code null} arguments keep the current value. */
    public Customer upsertCustomer(String phone, String pushName, Boolean online) {
        Phones.require(phone, "phone");
        if (accounts.containsKey(phone)) {
            throw new ApiError(409, "is_account", "this phone number belongs to a simulated account", "phone");
        }
        if (pushName != null) requireName(pushName);
        Customer c = customers.computeIfAbsent(phone, p -> new Customer(p, defaultName(p)));
        if (pushName != null) c.pushName = pushName;
        if (online != null) c.online = online;
        return c;
    }

    /** Whether a number is "on WhatsApp": an account or a known customer. */
    public boolean isUser(String phone) {
        return accounts.containsKey(phone) || customers.containsKey(phone);
    }

    /** The push name another user sees for {@code phone}. */
    public String pushNameOf(String phone) {
        Account a = accounts.get(phone);
        if (a != null) return a.pushName;
        Customer c = customers.get(phone);
        return c != null ? c.pushName : null;
    }

    // ---- messages ----

    /** A customer sends {@code text} to account {@code to}; the customer is registered if new. */
    public InboundMessage receive(String from, String to, String text) {
        Phones.require(from, "from");
        Phones.require(to, "to");
        requireText(text);
        Account account = account(to);
        Customer customer = customers.get(from);
        if (customer == null) customer = upsertCustomer(from, null, null);
        InboundMessage m =
                new InboundMessage(account.nextSeq++, newId("3A", 18), from, to, text, now() / 1000, customer.pushName);
        account.inbox.addLast(m);
        account.inboxById.put(m.id, m);
        messagesIn++;
        trim(account);
        return m;
    }

    /**
     * Records a message a device sends. Idempotent on {@code id}: a page resending after a reconnect
     * gets the message already recorded, not a second one.
     */
    public SentMessage send(Device device, String id, String to, String text, boolean fail) {
        Account account = device.account;
        SentMessage existing = account.sent.get(id);
        if (existing != null) return existing;
        Ack ack;
        if (fail || !isUser(to)) {
            ack = Ack.ERROR;
        } else {
            Customer c = customers.get(to);
            ack = c == null || c.online ? Ack.DELIVERED : Ack.SERVER;
        }
        SentMessage m = new SentMessage(account.nextSeq++, id, account.phone, to, text, now() / 1000, device.id(), ack);
        account.sent.put(id, m);
        if (ack != Ack.ERROR) messagesOut++;
        return m;
    }

    /** Raises the ack of what {@code account} sent to {@code customer} (optionally only {@code ids}); returns the changed. */
    public List<SentMessage> customerAcks(String customer, String accountPhone, Ack ack, Collection<String> ids) {
        customer(customer);
        Account account = account(accountPhone);
        List<SentMessage> changed = new ArrayList<>();
        for (SentMessage m : account.sent.values()) {
            if (!m.to.equals(customer) || m.ack == Ack.ERROR || m.ack.level() >= ack.level()) continue;
            if (ids != null && !ids.contains(m.id) && !ids.contains(m.serializedId())) continue;
            m.ack = ack;
            changed.add(m);
        }
        return changed;
    }

    /** A customer's phone comes online: its waiting messages are delivered. Returns them per account. */
    public Map<Account, List<SentMessage>> customerOnline(Customer customer) {
        Map<Account, List<SentMessage>> changed = new LinkedHashMap<>();
        for (Account account : accounts.values()) {
            for (SentMessage m : account.sent.values()) {
                if (m.to.equals(customer.phone) && m.ack == Ack.SERVER) {
                    m.ack = Ack.DELIVERED;
                    changed.computeIfAbsent(account, a -> new ArrayList<>()).add(m);
                }
            }
        }
        return changed;
    }

    /** Inbound messages {@code device} has not confirmed yet, after {@code afterSeq}, in order. */
    public List<InboundMessage> undelivered(Device device, long afterSeq) {
        long from = Math.max(afterSeq, device.ackedSeq);
        // Walk back from the newest: the usual case is one new message on top of a long history.
        ArrayList<InboundMessage> out = new ArrayList<>();
        var it = device.account.inbox.descendingIterator();
        while (it.hasNext()) {
            InboundMessage m = it.next();
            if (m.seq <= from) break;
            out.add(m);
        }
        Collections.reverse(out);
        return out;
    }

    /** The device confirms it holds every inbound message up to {@code seq}; returns those newly delivered. */
    public List<InboundMessage> confirm(Device device, long seq) {
        long upTo = Math.min(seq, device.account.lastSeq());
        if (upTo <= device.ackedSeq) return List.of();
        long before = device.ackedSeq;
        device.ackedSeq = upTo;
        List<InboundMessage> delivered = new ArrayList<>();
        var it = device.account.inbox.descendingIterator();
        while (it.hasNext()) {
            InboundMessage m = it.next();
            if (m.seq <= before) break;
            if (m.seq <= upTo && m.ack == Ack.SERVER) {
                m.ack = Ack.DELIVERED;
                delivered.add(m);
            }
        }
        Collections.reverse(delivered);
        return delivered;
    }

    /** The account opened its chat with {@code customer}: what the customer sent is read. */
    /** An account's page showed a chat state (typing indicator) in its chat with a customer. */
    public void chatState(Account account, String customer, String state) {
        Customer c = customers.get(customer);
        if (c == null) return; // not a customer of this simulation: nobody sees it
        var log = c.chatStates.computeIfAbsent(account.phone(), k -> new ArrayList<>());
        log.add(state);
        if (log.size() > 100) log.removeFirst();
    }

    public List<InboundMessage> markChatRead(Account account, String customer) {
        List<InboundMessage> read = new ArrayList<>();
        for (InboundMessage m : account.inbox) {
            if (m.from.equals(customer) && m.ack.level() < Ack.READ.level()) {
                m.ack = Ack.READ;
                read.add(m);
            }
        }
        return read;
    }

    // ---- devices ----

    /** The phone accepts a login offer: a new device with fresh server-side credentials. */
    public Device link(Account account, Linking.Offer offer) {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        Device d = new Device(
                account,
                account.nextDeviceNumber++,
                secret,
                offer.keys(),
                now(),
                offer.kind() == Linking.Kind.QR ? "qr" : "code",
                account.lastSeq());
        account.devices.put(d.number, d);
        return d;
    }

    /** Looks up a device by id ({@code <phone>:<n>}); 404 when there is none. */
    public Device device(String deviceId) {
        Device d = findDevice(deviceId);
        if (d == null) throw new ApiError(404, "unknown_device", "no linked device " + deviceId, "deviceId");
        return d;
    }

    public Device unlink(String deviceId) {
        Device d = device(deviceId);
        d.account.devices.remove(d.number);
        return d;
    }

    /** Checks credentials a page presents; a tampered or foreign set is refused. */
    public Login login(String deviceId, byte[] secret, String noisePub, String identityPub) {
        Device d = findDevice(deviceId);
        if (d == null) {
            refusedLogins++;
            return new Login(null, "unknown_device");
        }
        if (secret == null || !d.matches(secret, noisePub, identityPub)) {
            refusedLogins++;
            return new Login(null, "bad_credentials");
        }
        logins++;
        return new Login(d, null);
    }

    // ---- stats ----

    public void countConflict() {
        conflicts++;
    }

    public long conflicts() {
        return conflicts;
    }

    public long messagesIn() {
        return messagesIn;
    }

    public long messagesOut() {
        return messagesOut;
    }

    public long logins() {
        return logins;
    }

    public long refusedLogins() {
        return refusedLogins;
    }

    public long deviceCount() {
        long n = 0;
        for (Account a : accounts.values()) n += a.devices.size();
        return n;
    }

    /** Inbound messages some linked device has not confirmed yet. */
    public long queuedCount() {
        long n = 0;
        for (Account a : accounts.values()) {
            for (Device d : a.devices.values()) n += Math.max(0, a.lastInboundSeqAfter(d.ackedSeq));
        }
        return n;
    }

    // ---- helpers ----

    private Device findDevice(String deviceId) {
        if (deviceId == null) return null;
        int colon = deviceId.indexOf(':');
        if (colon < 0) return null;
        Account a = accounts.get(deviceId.substring(0, colon));
        if (a == null) return null;
        try {
            return a.devices.get(Integer.parseInt(deviceId.substring(colon + 1)));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private void requireText(String text) {
        if (text == null) throw ApiError.badField("text", "text is required");
        if (text.isEmpty()) throw ApiError.badField("text", "text must not be empty");
        if (text.length() > maxTextChars) {
            throw new ApiError(
                    413,
                    "text_too_long",
                    "text has " + text.length() + " characters; the limit is " + maxTextChars,
                    "text");
        }
    }

    private static void requireName(String pushName) {
        if (pushName == null || pushName.isBlank()) throw ApiError.badField("pushName", "pushName is required");
        if (pushName.length() > 25) throw ApiError.badField("pushName", "pushName has at most 25 characters");
    }

    private static String defaultName(String phone) {
        return "Customer " + phone.substring(phone.length() - 4);
    }

    /** A message id: a prefix and uppercase hex, like the ids WhatsApp clients generate. */
    public String newId(String prefix, int hexDigits) {
        byte[] b = new byte[(hexDigits + 1) / 2];
        random.nextBytes(b);
        return prefix + HexFormat.of().withUpperCase().formatHex(b).substring(0, hexDigits);
    }

    /** Drops the oldest inbound messages every device holds once an account keeps more than the limit. */
    private void trim(Account account) {
        if (account.inbox.size() <= historyLimit) return;
        long minAcked = Long.MAX_VALUE;
        for (Device d : account.devices.values()) minAcked = Math.min(minAcked, d.ackedSeq);
        while (account.inbox.size() > historyLimit && account.inbox.peekFirst().seq <= minAcked) {
            account.inboxById.remove(account.inbox.removeFirst().id);
        }
    }
}
