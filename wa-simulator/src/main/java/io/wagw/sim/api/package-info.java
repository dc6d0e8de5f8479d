/**
 * The JSON shapes of the simulator's control API under {@code /sim/}, shared by the server and by
 * {@link io.wagw.sim.client.SimClient}. Times are unix milliseconds unless a field says seconds;
 * {@code ack} is WhatsApp's level (-1 error, 0 pending, 1 server, 2 delivered, 3 read, 4 played).
 */
package io.wagw.sim.api;
