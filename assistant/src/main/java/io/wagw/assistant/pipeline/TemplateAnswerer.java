package io.wagw.assistant.pipeline;

import io.wagw.assistant.settings.TemplateKind;
import java.util.List;

/**
 * The answerer before the answer engine exists: it knows nothing, so it answers with the tenant's fallback
 * template at confidence 0, which makes the pipeline tell a person.
 */
public final class TemplateAnswerer implements Answerer {
    @Override
    public Answer answer(Question q) {
        var s = q.settings();
        String text = s.templates().text(TemplateKind.FALLBACK, q.language(), s.defaultLanguage(), s.businessName());
        return new Answer(text, ReplyKind.TEMPLATE, 0, List.of(), 0, 0, 0);
    }
}
