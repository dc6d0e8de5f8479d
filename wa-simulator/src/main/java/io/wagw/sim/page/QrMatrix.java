package io.wagw.sim.page;

import com.google.zxing.WriterException;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import com.google.zxing.qrcode.encoder.ByteMatrix;
import com.google.zxing.qrcode.encoder.Encoder;
import java.util.ArrayList;
import java.util.List;

/** Encodes a QR payload into its module matrix, which the page draws on its canvas. */
public final class QrMatrix {
    private QrMatrix() {}

    /** One string per row, {@code '1'} for a dark module; no quiet zone (the page adds it). */
    public static List<String> encode(String payload) {
        try {
            ByteMatrix m = Encoder.encode(payload, ErrorCorrectionLevel.L).getMatrix();
            List<String> rows = new ArrayList<>(m.getHeight());
            for (int y = 0; y < m.getHeight(); y++) {
                StringBuilder row = new StringBuilder(m.getWidth());
                for (int x = 0; x < m.getWidth(); x++) row.append(m.get(x, y) == 1 ? '1' : '0');
                rows.add(row.toString());
            }
            return rows;
        } catch (WriterException e) {
            throw new IllegalStateException("QR payload cannot be encoded", e);
        }
    }
}
