package io.wagw.node.testing;

import io.wagw.node.session.SessionListener;
import io.wagw.node.session.SessionView;
import io.wagw.store.message.Message;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what a runtime reports, for assertions. */
public final class Recorder implements SessionListener {
    public final List<SessionView> statuses = new CopyOnWriteArrayList<>();
    public final List<String> qrs = new CopyOnWriteArrayList<>();
    public final List<Message> inbound = new CopyOnWriteArrayList<>();
    public final List<Message> outbound = new CopyOnWriteArrayList<>();

    @Override
    public void onStatus(SessionView session) {
        statuses.add(session);
    }

    @Override
    public void onQr(String session, String qr) {
        qrs.add(session + " " + qr);
    }

    @Override
    public void onMessage(String session, Message message) {
        inbound.add(message);
    }

    @Override
    public void onOutbound(String session, Message message) {
        outbound.add(message);
    }

    public List<SessionView> statusesOf(String session) {
        return statuses.stream().filter(s -> s.name().equals(session)).toList();
    }

    public List<String> qrsOf(String session) {
        return qrs.stream()
                .filter(q -> q.startsWith(session + " "))
                .map(q -> q.substring(session.length() + 1))
                .toList();
    }
}
