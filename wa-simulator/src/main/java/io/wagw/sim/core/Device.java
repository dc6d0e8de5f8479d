package io.wagw.sim.core;

import java.security.MessageDigest;
import java.util.Base64;

/** A linked device (companion) of an account: what the server knows to recognise its credentials. */
public final class Device {
    final Account account;
    final int number;
    final byte[] secret;
    final PageKeys keys;
    final long linkedAt;
    final String via;
    /** Highest inbound sequence number this device confirmed it holds. */
    long ackedSeq;

    Device(Account account, int number, byte[] secret, PageKeys keys, long linkedAt, String via, long ackedSeq) {
        this.account = account;
        this.number = number;
        this.secret = secret;
        this.keys = keys;
        this.linkedAt = linkedAt;
        this.via = via;
        this.ackedSeq = ackedSeq;
    }

    /** {@code <phone>:<n>}, unique in the simulator. */
    public String id() {
        return account.phone + ":" + number;
    }

    public Account account() {
        return account;
    }

    public long linkedAt() {
        return linkedAt;
    }
    /** {@code qr} or {@code code}. */
    public String via() {
        return via;
    }

    public long ackedSeq() {
        return ackedSeq;
    }

    public PageKeys keys() {
        return keys;
    }

    public String secretB64() {
        return Base64.getEncoder().encodeToString(secret);
    }
    /** The multi-device wid the page keeps in {@code last-wid-md}, e.g. {@code 77011234567:1@c.us}. */
    public String mdWid() {
        return account.phone + ":" + number + "@c.us";
    }

    boolean matches(byte[] presentedSecret, String noisePub, String identityPub) {
        return MessageDigest.isEqual(secret, presentedSecret)
                && keys.noisePub().equals(noisePub)
                && keys.identityPub().equals(identityPub);
    }
}
