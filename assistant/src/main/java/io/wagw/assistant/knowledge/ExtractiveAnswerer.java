package io.wagw.assistant.knowledge;

import io.wagw.assistant.pipeline.Answerer;
import io.wagw.assistant.pipeline.ReplyKind;
import io.wagw.assistant.settings.TemplateKind;
import io.wagw.store.assistant.Knowledge.Hit;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Answers from the tenant's knowledge without a model: retrieves the chunks that best match the question and
 * answers with the few lines of them that cover the question (the price line, the Sunday line), never
 * whole chunks.
 *
 * <p>The question is read as topic words (what it is about: "manicure", "воскресенье") and kinds of answer it
 * asks for (a price, opening hours, an address; "how much", «когда»). A line covers a topic word when the
 * line or its chunk's headings hold the word (same word, same stem by a shared prefix, or a misspelling of
 * it) or, by a small ru/kk/en lexicon, the word in another language (жексенбі, Sunday: воскресенье) when the
 * chunk holds the rest of its phrase too; it covers a kind when it holds what that kind looks like (a number for a price, a time or "closed"
 * for hours). Lines are picked greedily, each covering most of what is still uncovered, at most
 * {@value #MAX_LINES}; lines of the same chunk covering exactly the same are added with them (a list of
 * prices under the heading asked about).
 *
 * <p>Confidence is the share of the question covered by the lines picked: topic words weigh 1, each kind
 * 0.5 (1 when the question names no topic). An unrelated question covers nothing or only its kind ("how
 * much is a car?" is a third) and stays below the pipeline's 0.5, so a person is told. A tenant without
 * knowledge, or a question nothing matches, gets the fallback template at confidence 0.
 */
public final class ExtractiveAnswerer implements Answerer {
    /** Finds the chunks of the tenant's active knowledge that best match a question, best first. */
    @FunctionalInterface
    public interface Retriever {
        /** The chunks matching a customer's question, by every retrieval there is. */
        List<Hit> search(String tenant, String question, int limit);

        /**
         * The chunks matching a list of words the answerer made up (translations, the words of a kind of
         * answer): by the words only, since they are no sentence to compare by meaning.
         */
        default List<Hit> searchWords(String tenant, String words, int limit) {
            return search(tenant, words, limit);
        }
    }

    static final int CHUNKS = 5;
    static final int MAX_LINES = 4;
    static final int KIND_CHUNKS = 2;
    private static final int MAX_LINE_CHARS = 300;
    private static final double KIND_WEIGHT = 0.5;

    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");
    private static final Pattern LIST_MARKER = Pattern.compile("^\\s*(?:[-*+•–—]|\\d{1,3}[.)])\\s+");
    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?…])\\s+");

    /** A line naming a person: a title and a name, or a name and a dash then what they do. */
    private static final Pattern PERSON = Pattern.compile(
            "^(?:(?i:dr|доктор|врач)\\.?\\s+\\p{Lu}|\\p{Lu}\\p{Ll}+(?:\\s+\\p{Lu}\\p{Ll}+){0,2}\\s*[—–]\\s*\\p{Ll})");

    /** Kinds of answer a question asks for, by its words, and what a line answering them holds. */
    enum Kind {
        PRICE(
                """
                price prices priced pricing cost costs much fee fees charge tariff tariffs
                цена цены цену ценам ценах стоит стоят стоимость сколько прайс тариф тарифы почем
                баға бағасы бағалары қанша тұрады""",
                Pattern.compile("\\d"),
                Pattern.compile(
                        "\\d\\s*(?:₸|тг\\b|тенге|tenge|kzt|руб|₽|\\$|€|usd|eur)|(?:₸|\\$|€|kzt)\\s*\\d",
                        Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE)),
        HOURS(
                """
                hours hour open opens opening close closes closing closed schedule when time
                работаете работает работают режим график часы время открыты открыто открываетесь закрываетесь
                закрыты когда жұмыс уақыты қашан ашық ашыласыз істейсіз істейді""",
                Pattern.compile(
                        "\\d{1,2}[:.]\\d{2}|\\b\\d{1,2}\\s*(?:am|pm)\\b|closed|day off|24/7|round the clock|"
                                + "выходн|не работаем|закрыт|круглосуточно|демалыс|жабық",
                        Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE),
                Pattern.compile("\\d{1,2}[:.]\\d{2}\\s*[–—-]\\s*\\d{1,2}[:.]\\d{2}|closed|выходн|не работа|закрыт")),
        ADDRESS(
                """
                address where located location situated directions
                адрес адреса где находитесь находится расположены добраться
                мекенжай қайда орналасқан""",
                Pattern.compile(
                        "\\d|street|\\bst\\.|avenue|\\bave\\b|road|\\bул\\.?|улица|проспект|\\bпр\\.|"
                                + "микрорайон|мкр|көше|даңғыл",
                        Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE),
                Pattern.compile(
                        "street|\\bst\\.|avenue|\\bave\\b|road|\\bул\\.?|улица|проспект|\\bпр\\.|микрорайон|мкр|көше|даңғыл",
                        Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE)),
        /** Who does something: a line naming a person ("Dr. Emma Clarke — orthodontist", «Айгерим — мастер»). */
        WHO("who whom кто кого кому кім кімге кімде", PERSON, PERSON);

        final Set<String> words;
        /** What a line answering the kind holds. */
        final Pattern answer;
        /** What only a line really answering it holds (an amount in a currency, a time range): breaks ties. */
        final Pattern surely;

        Kind(String words, Pattern answer, Pattern surely) {
            this.words = Set.copyOf(List.of(words.strip().split("\\s+")));
            this.answer = answer;
            this.surely = surely;
        }

        static Kind of(String word) {
            for (Kind k : values()) {
                if (k.words.contains(word)) {
                    return k;
                }
            }
            // a kind word with a suffix (Kazakh «орналасқансыздар», «істейсіздер»; "addresses")
            for (Kind k : values()) {
                for (String w : k.words) {
                    if (w.length() >= 5 && word.startsWith(w)) {
                        return k;
                    }
                }
            }
            return null;
        }

        /** A kind word misspelt ("adress", "prise"): one typing mistake in a word of 5 letters or more. */
        static Kind misspelt(String word) {
            if (word.length() < 5 || !Character.isLetter(word.charAt(0))) {
                return null;
            }
            for (Kind k : values()) {
                for (String w : k.words) {
                    if (w.length() >= 5 && Math.abs(w.length() - word.length()) <= 1 && distance(word, w) <= 1) {
                        return k;
                    }
                }
            }
            return null;
        }

        /** Words that find the chunks answering this kind when the question's own words do not. */
        String query() {
            return switch (this) {
                case PRICE -> "цены prices баға";
                case HOURS -> "часы работы opening hours график";
                case ADDRESS -> "адрес address мекенжай";
                case WHO -> "мастера специалисты врачи doctors staff team masters";
            };
        }
    }

    /** Words that say nothing about what is asked (ru, kk, en). */
    private static final Set<String> STOP = Set.copyOf(List.of("""
            a an the is are am was were be been do does did you your yours i me my we our us it its this that these
            those to for of on in at by with from and or but can could would will shall should may might please
            what which who whom how there here have has had any some tell me want like need know about get got
            whats hi hello hey thanks thank ok okay yes no not just also too very much many so if then than
            и в во на с со у к ко по за из от до а но или ли же не ни я мы вы вас вам ваш ваша ваше ваши ты тебя
            он она они оно это этот эта эти то тот как что чем кто какой какая какое какие каков есть будет был
            была было были можно нужно надо мне меня мой моя нас наш пожалуйста подскажите скажите расскажите
            здравствуйте привет добрый день вечер утро спасибо хочу хотел хотела бы ещё еще уже там тут здесь
            да нет ну вот так также очень сегодня завтра делаете делает делаем делать
            мен сен сіз сіздер біз ол бұл осы ма ме ба бе па пе не қалай қандай бар жоқ және немесе сәлем
            сәлеметсіз рахмет күні күн арқылы бола болады болама керек сіздерде сіздің сендер""".strip().split("\\s+")));

    /**
     * A small ru/kk/en lexicon of words a question and the knowledge often name in different languages: each
     * line one meaning (weekdays, months, common services, people and things a business names). A question word
     * that is the same word as one of a line's words (by {@link #sameWord}) also matches the line's other words.
     */
    private static final List<List<String>> LEXICON =
            """
            monday mondays понедельник понедельника понедельникам дүйсенбі
            tuesday tuesdays вторник вторника вторникам сейсенбі
            wednesday wednesdays среда среду средам сәрсенбі
            thursday thursdays четверг четверга четвергам бейсенбі
            friday fridays пятница пятницу пятницам жұма
            saturday saturdays суббота субботу субботам сенбі
            sunday sundays воскресенье воскресеньям жексенбі
            january январь января қаңтар
            february февраль февраля ақпан
            march март марта наурыз
            april апрель апреля сәуір
            june июнь июня маусым
            july июль июля шілде
            august август августа тамыз
            september сентябрь сентября қыркүйек
            october октябрь октября қазан
            november ноябрь ноября қараша
            december декабрь декабря желтоқсан
            holiday holidays праздник праздники праздничные мереке мерекелік
            haircut haircuts стрижка стрижку стрижки стрижек қию қиып
            hair волосы волос шаш шашты
            manicure маникюр
            pedicure педикюр
            nails nail ногти ногтей тырнақ тырнақтар
            eyelashes eyelash lashes ресницы ресниц кірпік кірпіктер
            eyebrows eyebrow brows брови бровей қас қастар
            extension extensions наращивание ұзарту
            makeup макияж визаж
            colouring coloring dyeing окрашивание бояу
            massage массаж массажы уқалау
            teeth tooth зуб зубы зубов зуба зубам тіс тісті тістер тісім
            cleaning чистка чистку тазалау
            whitening отбеливание ағарту
            filling fillings пломба пломбу толтыру
            extraction удаление удалить жұлу
            implant implants имплант импланты имплантация
            braces брекеты брекетов брекет
            doctor doctors врач врачи доктор дәрігер
            dentist dentists стоматолог стоматологи
            clinic клиника клинике клиники емхана
            salon салон салоне
            children child kids kid дети детей детский детская ребенок ребенка ребенку балалар бала балаға баланы
            payment pay paying оплата оплатить платить төлеу төлеуге төлем
            card cards карта карты картой карточкой карта
            cash наличные наличными
            parking парковка парковки тұрақ
            phone телефон телефона номер
            booking book appointment appointments запись записаться жазылу
            discount discounts скидка скидки жеңілдік
            insurance страховка страховке страхованию сақтандыру
            """.strip().lines().map(l -> List.of(l.strip().split("\\s+"))).toList();

    private final Retriever retriever;

    public ExtractiveAnswerer(Retriever retriever) {
        this.retriever = retriever;
    }

    /** A line of a retrieved chunk. */
    private record Line(int hit, int index, String text, List<String> tokens) {}

    /** The question's topic words (each with its words in other languages) and kinds, with their weights. */
    record Asked(List<String> topics, List<Kind> kinds, List<Set<String>> variants, List<Integer> phrases) {
        Asked(List<String> topics, List<Kind> kinds, List<Integer> phrases) {
            this(
                    topics,
                    kinds,
                    topics.stream().map(ExtractiveAnswerer::variants).toList(),
                    phrases);
        }

        /** The question without the topics given. */
        Asked without(BitSet dropped) {
            if (dropped.isEmpty()) {
                return this;
            }
            var t = new ArrayList<String>();
            var v = new ArrayList<Set<String>>();
            var p = new ArrayList<Integer>();
            for (int i = 0; i < topics.size(); i++) {
                if (!dropped.get(i)) {
                    t.add(topics.get(i));
                    v.add(variants.get(i));
                    p.add(phrases.get(i));
                }
            }
            return new Asked(List.copyOf(t), kinds, List.copyOf(v), List.copyOf(p));
        }

        /** The topics the tokens hold, by the word or its translations. */
        BitSet held(List<String> tokens) {
            var in = new BitSet();
            for (int t = 0; t < topics.size(); t++) {
                for (String w : variants.get(t)) {
                    if (containsWord(tokens, w)) {
                        in.set(t);
                        break;
                    }
                }
            }
            return in;
        }

        /**
         * The topics a chunk may cover by a translation: those whose phrase (topic words next to each other in
         * the question, "hair extensions", «шаш қию»; of them the words the knowledge holds at all) the chunk
         * holds whole. A translation is weaker than the word itself: a chunk about «волосы» does not answer
         * "hair extensions" when «наращивание» is only in another.
         */
        BitSet allowed(List<String> chunkTokens, BitSet anywhere) {
            var in = held(chunkTokens);
            var out = new BitSet();
            for (int t = 0; t < topics.size(); t++) {
                boolean whole = true;
                for (int u = 0; u < topics.size() && whole; u++) {
                    whole = !phrases.get(u).equals(phrases.get(t)) || in.get(u) || !anywhere.get(u);
                }
                if (whole) {
                    out.set(t);
                }
            }
            return out;
        }

        /** The other-language words of the topics, to find chunks that share none of the question's words. */
        String translations(List<Hit> found) {
            var held = new ArrayList<String>();
            for (Hit h : found) {
                held.addAll(tokens(h.headingPath()));
                held.addAll(tokens(h.text()));
            }
            var out = new LinkedHashSet<String>();
            for (int t = 0; t < topics.size(); t++) {
                if (containsWord(held, topics.get(t))) {
                    continue;
                }
                for (String v : variants.get(t)) {
                    if (!v.equals(topics.get(t))) {
                        out.add(v);
                    }
                }
            }
            return String.join(" ", out);
        }

        double kindWeight() {
            return topics.isEmpty() ? 1 : KIND_WEIGHT;
        }

        int size() {
            return topics.size() + kinds.size();
        }

        double weight(BitSet units) {
            double w = 0;
            for (int i = units.nextSetBit(0); i >= 0; i = units.nextSetBit(i + 1)) {
                w += i < topics.size() ? 1 : kindWeight();
            }
            return w;
        }

        double total() {
            return topics.size() + kinds.size() * kindWeight();
        }
    }

    @Override
    public Answer answer(Question q) {
        Asked asked = asked(q.text());
        if (asked.size() == 0) {
            return fallback(q);
        }
        List<Hit> hits = new ArrayList<>(retriever.search(q.tenant(), q.text(), CHUNKS));
        // a question in another language than the knowledge ("How much is a manicure?" over «Маникюр — …»):
        // the chunks its words' translations find too
        String translations = asked.translations(hits);
        if (!translations.isEmpty()) {
            add(hits, retriever.searchWords(q.tenant(), translations, CHUNKS));
        }
        // a topic every chunk's headings hold is the business itself («Где находится клиника?» over "Bright
        // Smile Dental Clinic > ..."): it tells no chunk from another, the kind asked does
        if (hits.size() >= 2 && !asked.kinds().isEmpty() && !asked.topics().isEmpty()) {
            var everywhere = new BitSet();
            everywhere.set(0, asked.topics().size());
            for (Hit h : hits) {
                everywhere.and(asked.held(tokens(h.headingPath())));
            }
            asked = asked.without(everywhere);
        }
        // a question naming only what it asks for ("где вы находитесь?") may share no word with the chunk
        // answering it: the chunks about the kinds asked too
        for (Kind k : asked.topics().isEmpty() ? asked.kinds() : List.<Kind>of()) {
            add(hits, retriever.searchWords(q.tenant(), k.query(), KIND_CHUNKS));
        }
        if (hits.isEmpty()) {
            return fallback(q);
        }
        var everything = new ArrayList<String>();
        for (Hit hit : hits) {
            everything.addAll(tokens(hit.headingPath()));
            everything.addAll(tokens(hit.text()));
        }
        BitSet anywhere = asked.held(everything);
        var lines = new ArrayList<Line>();
        var covers = new ArrayList<BitSet>();
        var own = new ArrayList<BitSet>();
        for (int h = 0; h < hits.size(); h++) {
            Hit hit = hits.get(h);
            List<String> heading = tokens(hit.headingPath());
            var chunkTokens = new ArrayList<>(heading);
            chunkTokens.addAll(tokens(hit.text()));
            BitSet allowed = asked.allowed(chunkTokens, anywhere);
            int index = 0;
            for (String text : lines(hit.text())) {
                var line = new Line(h, index++, text, tokens(text));
                BitSet byLine = cover(asked, allowed, line.tokens(), text, List.of(), heading);
                BitSet all = cover(asked, allowed, line.tokens(), text, heading, heading);
                lines.add(line);
                covers.add(all);
                own.add(byLine);
            }
        }
        // greedy: each next line covers most of what is still uncovered; ties go to a line's own words, then to
        // a line that surely answers the kinds asked (an amount in a currency, not a year), then to the better
        // chunk and the earlier line
        var covered = new BitSet();
        var picked = new ArrayList<Integer>();
        while (picked.size() < MAX_LINES) {
            int best = -1;
            double bestGain = 0;
            double bestOwn = 0;
            int bestSure = 0;
            for (int i = 0; i < lines.size(); i++) {
                if (picked.contains(i)) {
                    continue;
                }
                BitSet gain = (BitSet) covers.get(i).clone();
                gain.andNot(covered);
                double g = asked.weight(gain);
                double o = asked.weight(own.get(i));
                if (g <= 0 || g < bestGain || (g == bestGain && o < bestOwn)) {
                    continue;
                }
                int sure = surely(asked, lines.get(i).text());
                if (g > bestGain || o > bestOwn || sure > bestSure) {
                    best = i;
                    bestGain = g;
                    bestOwn = o;
                    bestSure = sure;
                }
            }
            if (best < 0) {
                break;
            }
            picked.add(best);
            covered.or(covers.get(best));
        }
        if (picked.isEmpty()) {
            return fallback(q);
        }
        // lines of the same chunk that cover exactly what a picked line covers come with it
        var chosen = new LinkedHashSet<Integer>();
        for (int p : picked) {
            chosen.add(p);
            for (int i = 0; i < lines.size() && chosen.size() < MAX_LINES; i++) {
                if (lines.get(i).hit() == lines.get(p).hit()
                        && covers.get(i).equals(covers.get(p))
                        && own.get(i).equals(own.get(p))) {
                    chosen.add(i);
                }
            }
        }
        double confidence = Math.min(1, asked.weight(covered) / asked.total());
        var ordered = chosen.stream()
                .sorted((a, b) -> lines.get(a).hit() != lines.get(b).hit()
                        ? Integer.compare(lines.get(a).hit(), lines.get(b).hit())
                        : Integer.compare(lines.get(a).index(), lines.get(b).index()))
                .limit(MAX_LINES)
                .toList();
        var text = new StringBuilder();
        var sources = new LinkedHashSet<String>();
        for (int i : ordered) {
            Line line = lines.get(i);
            if (!text.isEmpty()) {
                text.append('\n');
            }
            text.append(line.text());
            Hit hit = hits.get(line.hit());
            sources.add(hit.headingPath().isBlank() ? "chunk " + hit.ordinal() : hit.headingPath());
        }
        return new Answer(text.toString(), ReplyKind.KNOWLEDGE, confidence, List.copyOf(sources), 0, 0, 0);
    }

    private static void add(List<Hit> hits, List<Hit> more) {
        for (Hit h : more) {
            if (hits.stream().noneMatch(o -> o.version() == h.version() && o.ordinal() == h.ordinal())) {
                hits.add(h);
            }
        }
    }

    private static Answer fallback(Question q) {
        var s = q.settings();
        String text = s.templates().text(TemplateKind.FALLBACK, q.language(), s.defaultLanguage(), s.businessName());
        return new Answer(text, ReplyKind.TEMPLATE, 0, List.of(), 0, 0, 0);
    }

    /** What the question covers in a line: topic words in the line or the headings given, kinds by the line. */
    private static BitSet cover(
            Asked asked,
            BitSet allowed,
            List<String> lineTokens,
            String line,
            List<String> heading,
            List<String> chunkHeading) {
        var out = new BitSet();
        for (int t = 0; t < asked.topics().size(); t++) {
            for (String w : allowed.get(t)
                    ? asked.variants().get(t)
                    : Set.of(asked.topics().get(t))) {
                if (containsWord(lineTokens, w) || containsWord(heading, w)) {
                    out.set(t);
                    break;
                }
            }
        }
        for (int k = 0; k < asked.kinds().size(); k++) {
            Kind kind = asked.kinds().get(k);
            if (!kind.answer.matcher(line).find()) {
                continue;
            }
            // without a topic, the line's chunk must be about the kind ("Opening hours", «Цены»)
            if (!asked.topics().isEmpty() || namesKind(lineTokens, kind) || namesKind(chunkHeading, kind)) {
                out.set(asked.topics().size() + k);
            }
        }
        return out;
    }

    /** How many of the asked kinds the line surely answers (an amount in a currency, a time range). */
    private static int surely(Asked asked, String line) {
        int n = 0;
        for (Kind k : asked.kinds()) {
            if (k.surely.matcher(line).find()) {
                n++;
            }
        }
        return n;
    }

    private static boolean namesKind(List<String> tokens, Kind kind) {
        for (String k : kind.words) {
            if (k.length() >= 4 && containsWord(tokens, k)) {
                return true;
            }
        }
        return false;
    }

    /** The question's topic words (not stop words, not kind words) and kinds, each once. */
    static Asked asked(String question) {
        var topics = new ArrayList<String>();
        var phrases = new ArrayList<Integer>();
        var kinds = new LinkedHashSet<Kind>();
        int phrase = 0;
        for (String w : tokens(question)) {
            Kind k = Kind.of(w);
            if (k == null && !STOP.contains(w)) {
                k = Kind.misspelt(w);
            }
            if (k != null) {
                kinds.add(k);
                phrase++;
            } else if (!STOP.contains(w) && (w.length() >= 3 || w.chars().allMatch(Character::isDigit))) {
                if (!topics.contains(w)) {
                    topics.add(w);
                    phrases.add(phrase);
                }
            } else {
                phrase++;
            }
        }
        return new Asked(List.copyOf(topics), List.copyOf(kinds), List.copyOf(phrases));
    }

    /** The word and, when the lexicon knows it, the same word in the other languages. */
    static Set<String> variants(String word) {
        var out = new LinkedHashSet<String>();
        out.add(word);
        for (List<String> meaning : LEXICON) {
            for (String w : meaning) {
                // not "hair" for "haircut": the question's word is the word or a longer form of it
                if (sameWord(word, w) && word.length() >= w.length() - 2) {
                    out.addAll(meaning);
                    break;
                }
            }
        }
        return out;
    }

    /** A chunk's text as answer lines: its lines without list markers, long ones cut between sentences. */
    static List<String> lines(String text) {
        var out = new ArrayList<String>();
        for (String raw : text.split("\n")) {
            String line = LIST_MARKER.matcher(raw).replaceFirst("").strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.length() <= MAX_LINE_CHARS) {
                out.add(line);
            } else {
                for (String s : SENTENCE_END.split(line)) {
                    if (!s.isBlank()) {
                        out.add(s.strip());
                    }
                }
            }
        }
        return out;
    }

    static List<String> tokens(String text) {
        var out = new ArrayList<String>();
        if (text == null) {
            return out;
        }
        Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT).replace('ё', 'е'));
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    private static boolean containsWord(List<String> tokens, String word) {
        for (String t : tokens) {
            if (sameWord(word, t)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether two lower-case words are the same word: equal; or sharing a prefix of at least 4 letters that
     * leaves at most 3 letters of the shorter one (a stem: маникюр/маникюра, sunday/sundays, open/opening);
     * or, from 5 letters, one or (from 8) two typing mistakes apart.
     */
    static boolean sameWord(String a, String b) {
        if (a.equals(b)) {
            return true;
        }
        if (!Character.isLetter(a.charAt(0)) || !Character.isLetter(b.charAt(0))) {
            return false;
        }
        int shorter = Math.min(a.length(), b.length());
        int prefix = 0;
        while (prefix < shorter && a.charAt(prefix) == b.charAt(prefix)) {
            prefix++;
        }
        if (prefix >= 4 && prefix >= shorter - 3) {
            return true;
        }
        int longest = Math.max(a.length(), b.length());
        if (shorter < 5 || longest - shorter > 2) {
            return false;
        }
        return distance(a, b) <= (shorter >= 8 ? 2 : 1);
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
