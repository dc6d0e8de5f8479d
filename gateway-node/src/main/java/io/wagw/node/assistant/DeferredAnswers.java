package io.wagw.node.assistant;

import io.wagw.assistant.service.AssistantService;
import io.wagw.node.session.SessionRuntime;
import io.wagw.node.session.SessionView;
import io.wagw.store.SessionStore;
import io.wagw.store.StoreFailures;
import io.wagw.store.StoreOutage;
import io.wagw.store.session.SessionStatus;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers, at opening time, the messages that quiet hours with behaviour {@code queue} kept waiting. Each
 * node looks only at the sessions working on it; a message leaves the waiting list once its answer was
 * handed to the session, so a node that dies in between leaves it for the next owner.
 */
public final class DeferredAnswers {
    private static final Logger log = LoggerFactory.getLogger(DeferredAnswers.class);
    private static final int BATCH = 50;

    private final SessionRuntime runtime;
    private final SessionStore store;
    private final AssistantService assistant;
    private final AssistantHandler handler;
    private final Clock clock;

    public DeferredAnswers(
            SessionRuntime runtime,
            SessionStore store,
            AssistantService assistant,
            AssistantHandler handler,
            Clock clock) {
        this.runtime = runtime;
        this.store = store;
        this.assistant = assistant;
        this.handler = handler;
        this.clock = clock;
    }

    /** Answers what is due now on this node's working sessions; returns how many were answered. */
    public int answerDue() {
        var working = runtime.sessions().stream()
                .filter(v -> v.status() == SessionStatus.WORKING)
                .map(SessionView::name)
                .toList();
        int answered = 0;
        try {
            for (var d : store.turns().due(working, clock.instant(), BATCH)) {
                if (!store.turns().resume(d.session(), d.waMessageId())) {
                    continue;
                }
                var message = store.messages().byWaId(d.session(), d.waMessageId());
                var tenant = store.sessions().get(d.session()).tenant();
                var settings = assistant.settings(tenant);
                if (message.isEmpty() || settings.isEmpty()) {
                    store.turns().undefer(d.session(), d.waMessageId());
                    continue;
                }
                var m = message.get();
                var outcome = assistant.handle(
                        settings.get(),
                        new AssistantService.Inbound(
                                d.session(), tenant, m.chatId(), m.waMessageId(), m.body(), null, Instant.now()),
                        true);
                handler.deliver(d.session(), outcome, (chatId, text) -> {
                    try {
                        runtime.sendText(d.session(), chatId, text).get(60, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new IllegalStateException("the deferred answer was not sent", e);
                    }
                });
                store.turns().undefer(d.session(), d.waMessageId());
                answered++;
            }
        } catch (RuntimeException e) {
            if (StoreOutage.is(e)) {
                log.warn(
                        "answering messages kept for opening time failed; next try soon: {}", StoreFailures.summary(e));
            } else {
                log.warn("answering messages kept for opening time failed; next try soon", StoreFailures.loggable(e));
            }
        }
        return answered;
    }
}
