package io.wagw.node.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestParsingTest {

    @Test
    void onlyTheApplicationJsonMediaTypeIsJsonWhateverItsParameters() {
        assertThat(RequestBody.isJson("application/json")).isTrue();
        assertThat(RequestBody.isJson("Application/JSON ; charset=UTF-8")).isTrue();
        assertThat(RequestBody.isJson("application/json;charset=\"utf-8\"")).isTrue();
        assertThat(RequestBody.isJson("application/json; boundary=x")).isTrue();
        assertThat(RequestBody.isJson(null)).isFalse();
        assertThat(RequestBody.isJson("")).isFalse();
        assertThat(RequestBody.isJson("application/jsonfoo")).isFalse();
        assertThat(RequestBody.isJson("application/json-patch+json")).isFalse();
        assertThat(RequestBody.isJson("application/json; charset=iso-8859-1")).isFalse();
        assertThat(RequestBody.isJson("application/json; charset")).isFalse();
        assertThat(RequestBody.isJson("text/json")).isFalse();
    }

    @Test
    void aPercentEncodedTextDecodesOnlyWithTwoHexDigitsPerEscapeSpellingUtf8() {
        assertThat(Params.undecodable("/api/sessions/salon-1")).isNull();
        assertThat(Params.undecodable("/api/s/chats/77011234567%40c.us/messages"))
                .isNull();
        assertThat(Params.undecodable("name=%C3%A9t%C3%A9&x=%F0%9F%98%80+1")).isNull();
        assertThat(Params.undecodable("%25ZZ")).as("an escaped percent sign").isNull();
        assertThat(Params.undecodable("/api/sessions/%ZZ")).contains("malformed percent escape at index 14");
        assertThat(Params.undecodable("/api/sessions/abc%")).contains("malformed");
        assertThat(Params.undecodable("/api/sessions/abc%4")).contains("malformed");
        assertThat(Params.undecodable("%C3%28")).contains("not UTF-8");
        assertThat(Params.undecodable("%FF")).contains("not UTF-8");
    }
}
