package io.wagw.node.session;

/**
 * Where a start or stop request takes effect: on this node ({@link SessionRuntime}) or, in a cluster, by
 * marking the session wanted or not, so that the coordinator places it on some node.
 */
public interface SessionControl {
    void start(String session);

    void stop(String session);

    /** The standalone node: start and stop right here. */
    static SessionControl local(SessionRuntime runtime, io.wagw.store.SessionStore store) {
        return new SessionControl() {
            @Override
            public void start(String session) {
                runtime.start(session);
                store.sessions().setDesiredRunning(session, true);
            }

            @Override
            public void stop(String session) {
                store.sessions().setDesiredRunning(session, false);
                runtime.stop(session);
            }
        };
    }
}
