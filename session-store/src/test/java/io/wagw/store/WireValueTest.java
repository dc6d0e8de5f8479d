package io.wagw.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wagw.store.apikey.ApiKey;
import io.wagw.store.message.Message;
import io.wagw.store.message.MessageStatus;
import io.wagw.store.tenant.TenantStatus;
import io.wagw.store.webhook.DeliveryStatus;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The stored and wire names of the store's enums are the lower-case ones of the schema's check constraints. */
class WireValueTest {

    @Test
    void valuesAreTheSchemasNames() {
        assertThat(values(DeliveryStatus.values())).containsExactly("pending", "delivering", "delivered", "dead");
        assertThat(values(TenantStatus.values())).containsExactly("onboarding", "active", "suspended", "deleted");
        assertThat(values(MessageStatus.values())).containsExactly("received", "pending", "sent", "failed");
        assertThat(values(Message.Direction.values())).containsExactly("in", "out");
        assertThat(values(ApiKey.Scope.values())).containsExactly("admin", "session", "tenant");
    }

    @Test
    void fromValueIsExact() {
        assertThat(DeliveryStatus.fromValue("dead")).isEqualTo(DeliveryStatus.DEAD);
        assertThat(TenantStatus.fromValue("active")).isEqualTo(TenantStatus.ACTIVE);
        assertThat(Message.Direction.fromValue("in")).isEqualTo(Message.Direction.IN);
        assertThat(TenantStatus.ACTIVE).hasToString("active");
        assertThatThrownBy(() -> TenantStatus.fromValue("ACTIVE")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DeliveryStatus.fromValue("nope")).isInstanceOf(IllegalArgumentException.class);
    }

    private static List<String> values(WireValue[] constants) {
        return Arrays.stream(constants).map(WireValue::value).toList();
    }
}
