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
import java.util.stream.Stream;

/**
 * Answers from the tenant's knowledge without a model: retrieves the chunks that best match the question and
 * answers with the few lines of them that cover the question (the price line, the Sunday line), never
 * whole chunks.
 *
 * <p>The question is read as topic words (what it is about: "manicure", "воскресенье") and kinds of answer it
 * asks for (a price, opening hours, an address; "how much", «когда», «қанша»). Topic words come in phrases (words
 * next to each other): a phrase after a preposition or before a Kazakh postposition qualifies what is asked ("for
 * a 30 kg dog"), and a phrase's head is what it is about ("wash" in "car wash", «замена» in «замена масла»). A line
 * covers a topic word when the line, its chunk's headings or a FAQ question line above it hold the word (same
 * word; same stem by a shared prefix, a short word's ending or Kazakh suffixes; a misspelling of it; the same
 * international word in the other script, diagnostics/диагностика) or, by a small ru/kk/en lexicon, the word in
 * another language (жексенбі, Sunday: воскресенье) when the chunk holds the rest of its phrase too; a number is
 * covered by a range holding it ("10–25 kg", "R17–R19"). A line covers a kind when it holds what that kind looks
 * like (a number for a price, a time or "closed" for hours). Lines are picked greedily, each covering most of
 * what is still uncovered, at most {@value #MAX_LINES}; lines of the same chunk covering exactly the same are
 * added with them (a list of prices under the heading asked about). A line that is itself a question is never
 * picked.
 *
 * <p>Confidence is the share of the question covered by the lines picked: kinds weigh 0.5 (1 when the question
 * names no topic); topic words weigh 1 when the retrieved knowledge holds them, and less when it holds them
 * nowhere and they only qualify or modify (a filler, a size, a word in a language the knowledge is not written
 * in). When none of the heads of what is asked is covered and one of them is nowhere in the knowledge ("Do you
 * have a car wash?" over a line about cars), confidence stays below the pipeline's 0.5 whatever else is covered.
 * An unrelated question covers nothing or only its kind ("how much is a car?" is a third), so a person is
 * told. A tenant without knowledge, or a question nothing matches, gets the fallback template at confidence 0.
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
    /** The weight of a word the knowledge holds nowhere that only qualifies what is asked. */
    static final double MINOR = 0.25;
    /** The weight of a word the knowledge holds nowhere that modifies the head of what is asked. */
    static final double MODIFIER = 0.5;
    /** The highest confidence of an answer that misses what the question is about. */
    static final double MISSED_TOPIC = 0.4;

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
                price prices priced pricing cost costs much fee fees charge charges tariff tariffs rate rates
                цена цены цену ценам ценах ценник стоит стоят стоимость сколько скока скоко прайс прайсы тариф тарифы
                почем расценки обойдется
                баға бағасы бағалары бағасын қанша тұрады тұратын""",
                Pattern.compile("\\d"),
                Pattern.compile(
                        "\\d\\s*(?:₸|тг\\b|тенге|tenge|kzt|руб|₽|\\$|€|usd|eur)|(?:₸|\\$|€|kzt)\\s*\\d",
                        Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE)),
        HOURS(
                """
                hours hour open opens opening close closes closing closed schedule when time until till work works
                работаете работает работают режим график часы время открыты открыто открываетесь закрываетесь
                открывается закрывается закрыты когда скольки
                жұмыс уақыты қашан сағат ашық ашыласыз ашылады жабыласыз жабылады істейсіз істейді""",
                Pattern.compile(
                        "\\d{1,2}[:.]\\d{2}|\\b\\d{1,2}\\s*(?:am|pm)\\b|closed|day off|24/7|round the clock|"
                                + "выходн|не работаем|закрыт(?:о|ы)?(?!\\p{L})|круглосуточно|демалыс|жабық",
                        Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE),
                Pattern.compile(
                        "\\d{1,2}[:.]\\d{2}\\s*[–—-]\\s*\\d{1,2}[:.]\\d{2}|closed|выходн|не работа|закрыт(?:о|ы)?(?!\\p{L})")),
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
            // a kind word with a suffix (Kazakh «орналасқансыздар», «істейсіздер», «уақытқа»; "addresses"):
            // the kind word less at most two last letters starts the question's word
            for (Kind k : values()) {
                for (String w : k.words) {
                    if (w.length() >= 5
                            && word.length() >= w.length() - 1
                            && prefix(word, w) >= Math.max(4, w.length() - 2)) {
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
            сәлеметсіз рахмет күні күн арқылы бола болады болама керек сіздерде сіздің сендер
            pls plz pleas thx ty u ur ya yeah yep hiya guys bro dude sir madam maam mate please offer offers
            provide provides available possible able anyone someone something anything
            бро брат братан братишка пж пжл плиз пожалуйста плз короче типа кстати слушайте слушай
            подскажи скажи подскажете можете могу могли может сможете возможно какой либо вообще ребята
            делаете делаешь сделать сделаете есть имеется имеются бывает че чё чо щас
            условия условие правила правило информация инфо подробности детали conditions condition terms rules
            policy info information details шарттары шарты ережесі ақпарат
            come coming bring go get прийти прийду придти приехать приеду подъехать заехать зайти келу келуге келсем
            қай қайсы қандай ма ме ба бе бар ма жасайсыз жасайсыздар жасайды жасау жасаймыз жасатуға
            істеу аласыз алам ала бола аға апа бауырым достар өтінемін неше нешеде нешеге нешеден""".strip().split("\\s+")));

    /** Words after which the question's next words qualify what it asks about ("for a big dog", «на 17 радиус»). */
    private static final Set<String> PREPOSITIONS =
            Set.copyOf(List.of("""
            for with on in at of from by without near after before under over per via into onto
            на для с со в во по за из от до у к ко о об обо при без под над про через около после перед""".strip().split("\\s+")));

    /** Personal pronouns: after a preposition they qualify nothing asked ("у вас есть ...", "for you"). */
    private static final Set<String> PRONOUNS = Set.copyOf(List.of("""
            you me us him her them it вас вам вами нас нам нами тебя тебе мне меня него нее них""".strip().split("\\s+")));

    /** Kazakh postpositions: the words before them qualify what is asked («үлкен ит үшін»). */
    private static final Set<String> POSTPOSITIONS =
            Set.copyOf(List.of("""
            үшін бойынша дейін кейін туралы сияқты бірге арқылы қарай соң бұрын""".strip().split("\\s+")));

    /** Words joining two things asked: they end a qualifying phrase. */
    private static final Set<String> CONJUNCTIONS =
            Set.copyOf(List.of("and or but also plus и или а но также плюс және немесе әрі мен".split(" ")));

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
            phone телефон телефона номер нөмір number
            booking book appointment appointments запись записаться жазылу
            discount discounts скидка скидки жеңілдік
            insurance страховка страховке страхованию сақтандыру
            weekend weekends выходные выходных демалыс
            delivery deliver доставка доставку доставляете жеткізу жеткізесіз
            order orders заказ заказать заказы тапсырыс
            menu меню мәзір
            breakfast завтрак завтраки таңғы
            lunch обед обеды түскі
            dinner ужин ужины кешкі
            reservation reserve бронь бронирование забронировать брондау
            room rooms комната комнаты бөлме
            course courses курс курсы курстар
            lesson lessons урок уроки занятие занятия сабақ сабақтар
            teacher teachers учитель учителя преподаватель мұғалім
            trainer trainers coach тренер тренеры жаттықтырушы
            membership subscription абонемент абонементы абонемент
            pool бассейн бассейна бассейн
            sauna сауна сауны
            consultation consultations консультация консультацию кеңес
            diagnostics diagnosis диагностика диагностику диагностикасы
            replace replacement replacing замена замену заменить ауыстыру
            battery аккумулятор аккумулятора батарея
            installment instalments installments рассрочка рассрочку бөліп
            transfer перевод переводом аударым
            refund return возврат вернуть қайтару
            cancel cancellation отмена отменить отменить
            deposit prepayment предоплата депозит аванс
            gift подарок подарочный подарочные сыйлық
            certificate certificates сертификат сертификаты справка анықтама
            vaccination vaccine прививка прививки вакцина екпе
            analysis tests анализ анализы талдау
            owner владелец хозяин иесі
            manager administrator менеджер администратор әкімші
            email почта пошта
            website site сайт сайты
            photo photos фото фотографии сурет
            coffee кофе
            tea чай шай
            check inspection проверка проверку осмотр тексеру тексеріс
            free бесплатно бесплатная бесплатный бесплатные тегін
            queue очередь очереди кезек
            waiting wait ожидание ожидания подождать күту
            storage хранение хранения сақтау
            parts запчасти запчастей бөлшектер
            student students студент студенты студентам студенттер
            pensioner pensioners пенсионер пенсионеры пенсионерам зейнеткер
            """.strip().lines().map(l -> List.of(l.strip().split("\\s+"))).toList();

    private final Retriever retriever;

    public ExtractiveAnswerer(Retriever retriever) {
        this.retriever = retriever;
    }

    /** A line of a retrieved chunk. */
    private record Line(int hit, int index, String text, List<String> tokens) {}

    /**
     * The question's topic words (each with its words in other languages) and kinds. Topic words come in phrases
     * (words next to each other); a phrase after a preposition ("for a big dog", «на 17 радиус») or before a
     * Kazakh postposition qualifies what is asked. A phrase's head is what it is about: its last word in English
     * and Kazakh ("car wash", «шаш қию»), its first noun in Russian («замена масла», «детская стрижка»).
     */
    record Asked(
            List<String> topics,
            List<Kind> kinds,
            List<Set<String>> variants,
            List<Integer> phrases,
            BitSet heads,
            BitSet qualifiers,
            double[] weights) {
        Asked(List<String> topics, List<Kind> kinds, List<Integer> phrases, BitSet heads, BitSet qualifiers) {
            this(
                    topics,
                    kinds,
                    topics.stream().map(ExtractiveAnswerer::variants).toList(),
                    phrases,
                    heads,
                    qualifiers,
                    ones(topics.size()));
        }

        private static double[] ones(int n) {
            double[] w = new double[n];
            java.util.Arrays.fill(w, 1);
            return w;
        }

        /** The question without the topics given. */
        Asked without(BitSet dropped) {
            if (dropped.isEmpty()) {
                return this;
            }
            var t = new ArrayList<String>();
            var v = new ArrayList<Set<String>>();
            var p = new ArrayList<Integer>();
            var h = new BitSet();
            var q = new BitSet();
            var w = new ArrayList<Double>();
            for (int i = 0; i < topics.size(); i++) {
                if (!dropped.get(i)) {
                    h.set(t.size(), heads.get(i));
                    q.set(t.size(), qualifiers.get(i));
                    t.add(topics.get(i));
                    v.add(variants.get(i));
                    p.add(phrases.get(i));
                    w.add(weights[i]);
                }
            }
            return new Asked(
                    List.copyOf(t),
                    kinds,
                    List.copyOf(v),
                    List.copyOf(p),
                    h,
                    q,
                    w.stream().mapToDouble(Double::doubleValue).toArray());
        }

        /**
         * The question weighed by what the knowledge holds: a topic word the retrieved knowledge holds (or its
         * translation) weighs 1, as does one it holds nowhere that is the head of a phrase asked about ("wash"
         * in "car wash": not answered by a line about cars). A word it holds nowhere that only qualifies (a
         * number, a word of a qualifying phrase: "for a 30 kg labrador") weighs {@value #MINOR}, one that
         * modifies a head ("поменять" in «колодки поменять») {@value #MODIFIER}: a filler, a size or a word in
         * another language does not sink an answer whose topic and kind are covered.
         */
        Asked weighed(BitSet anywhere) {
            double[] w = new double[topics.size()];
            for (int t = 0; t < w.length; t++) {
                if (anywhere.get(t)) {
                    w[t] = 1;
                } else if (isNumber(topics.get(t)) || qualifiers.get(t)) {
                    w[t] = MINOR;
                } else {
                    w[t] = heads.get(t) ? 1 : MODIFIER;
                }
            }
            return new Asked(topics, kinds, variants, phrases, heads, qualifiers, w);
        }

        /**
         * Whether what is covered misses what the question is about: it has a phrase asked about (not
         * qualifying), none of whose heads is covered, and one of those heads is nowhere in the knowledge ("Do
         * you have a car wash?" over a line about a car inspection).
         */
        boolean missesTopic(BitSet covered, BitSet anywhere) {
            boolean anyHead = false;
            boolean unknownHead = false;
            for (int t = heads.nextSetBit(0); t >= 0; t = heads.nextSetBit(t + 1)) {
                if (qualifiers.get(t)) {
                    continue;
                }
                if (covered.get(t)) {
                    return false;
                }
                anyHead = true;
                unknownHead |= !anywhere.get(t);
            }
            return anyHead && unknownHead;
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
                w += i < topics.size() ? weights[i] : kindWeight();
            }
            return w;
        }

        double total() {
            double w = kinds.size() * kindWeight();
            for (double t : weights) {
                w += t;
            }
            return w;
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
        asked = asked.weighed(anywhere);
        var lines = new ArrayList<Line>();
        var covers = new ArrayList<BitSet>();
        var own = new ArrayList<BitSet>();
        var titled = new ArrayList<BitSet>(); // what the headings over each line hold
        for (int h = 0; h < hits.size(); h++) {
            Hit hit = hits.get(h);
            List<String> heading = tokens(hit.headingPath());
            var chunkTokens = new ArrayList<>(heading);
            chunkTokens.addAll(tokens(hit.text()));
            BitSet allowed = asked.allowed(chunkTokens, anywhere);
            int index = 0;
            List<String> over = heading; // the headings over a line: the chunk's and a question line's above it
            BitSet overTopics = topicsIn(asked, allowed, over);
            for (String text : lines(hit.text())) {
                if (isQuestion(text)) {
                    // a question is no answer (a FAQ's question line kept in the text): it heads the lines below
                    over = new ArrayList<>(heading);
                    over.addAll(tokens(text));
                    overTopics = topicsIn(asked, allowed, over);
                    index++;
                    continue;
                }
                var line = new Line(h, index++, text, tokens(text));
                BitSet lineTopics = topicsIn(asked, allowed, line.tokens());
                BitSet byLine = cover(asked, lineTopics, new BitSet(), line.tokens(), text, over);
                BitSet all = cover(asked, lineTopics, overTopics, line.tokens(), text, over);
                lines.add(line);
                covers.add(all);
                own.add(byLine);
                titled.add(overTopics);
            }
        }
        // greedy: each next line covers most of what is still uncovered; ties go to a line's own words, then to
        // a line that surely answers the kinds asked (an amount in a currency, not a year), then to a line in the
        // section named after what is asked (the warranty section's line, not a passing mention of a warranty
        // elsewhere), then to the better chunk and the earlier line
        var covered = new BitSet();
        var picked = new ArrayList<Integer>();
        while (picked.size() < MAX_LINES) {
            int best = -1;
            double bestGain = 0;
            double bestOwn = 0;
            int bestSure = 0;
            double bestTitled = 0;
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
                double t = asked.weight(titled.get(i));
                if (g > bestGain || o > bestOwn || sure > bestSure || (sure == bestSure && t > bestTitled)) {
                    best = i;
                    bestGain = g;
                    bestOwn = o;
                    bestSure = sure;
                    bestTitled = t;
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
        if (asked.missesTopic(covered, anywhere)) {
            confidence = Math.min(confidence, MISSED_TOPIC);
        }
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
            BitSet lineTopics,
            BitSet headingTopics,
            List<String> lineTokens,
            String line,
            List<String> chunkHeading) {
        var out = (BitSet) lineTopics.clone();
        out.or(headingTopics);
        // a number asked about ("30 kg", «17 радиус») in a range the line names ("10–25 kg", "over 25 kg",
        // "R17–R19"), on a line that covers something else asked
        if (!out.isEmpty()) {
            for (int t = 0; t < asked.topics().size(); t++) {
                if (!out.get(t)
                        && isNumber(asked.topics().get(t))
                        && inRange(line, asked.topics().get(t))) {
                    out.set(t);
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

    /** The topic words the tokens hold: by the word, or by a translation where the chunk allows it. */
    private static BitSet topicsIn(Asked asked, BitSet allowed, List<String> tokens) {
        var out = new BitSet();
        if (tokens.isEmpty()) {
            return out;
        }
        for (int t = 0; t < asked.topics().size(); t++) {
            for (String w : allowed.get(t)
                    ? asked.variants().get(t)
                    : Set.of(asked.topics().get(t))) {
                if (containsWord(tokens, w)) {
                    out.set(t);
                    break;
                }
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

    /**
     * The question's topic words (not stop words, not kind words) and kinds, each once; its phrases, their heads
     * and the phrases that qualify.
     */
    static Asked asked(String question) {
        var topics = new ArrayList<String>();
        var phrases = new ArrayList<Integer>();
        var qualifiers = new BitSet();
        var kinds = new LinkedHashSet<Kind>();
        int phrase = 0;
        boolean qualifying = false;
        String previous = "";
        for (String w : questionTokens(question)) {
            String before = previous;
            previous = w;
            if (w.equals(BREAK)) {
                phrase++;
                qualifying = false;
                continue;
            }
            Kind k = kindOf(w, before);
            if (k != null) {
                kinds.add(k);
                phrase++;
                qualifying = false;
            } else if (PREPOSITIONS.contains(w)) {
                phrase++;
                qualifying = true;
            } else if (qualifying && PRONOUNS.contains(w) && PREPOSITIONS.contains(before)) {
                phrase++;
                qualifying = false; // «у вас», "for you": a turn of phrase, not a qualifier
            } else if (POSTPOSITIONS.contains(w)) {
                for (int t = 0; t < topics.size(); t++) {
                    if (phrases.get(t) == phrase) {
                        qualifiers.set(t);
                    }
                }
                phrase++;
            } else if (CONJUNCTIONS.contains(w)) {
                phrase++;
                qualifying = false;
            } else if (!STOP.contains(w) && (w.length() >= 3 || isNumber(w))) {
                if (!topics.contains(w)) {
                    qualifiers.set(topics.size(), qualifying);
                    topics.add(w);
                    phrases.add(phrase);
                }
            } else {
                phrase++;
            }
        }
        boolean kazakh = KAZAKH_LETTERS.matcher(question).find();
        var heads = new BitSet();
        for (int from = 0; from < topics.size(); ) {
            int to = from;
            while (to < topics.size() && phrases.get(to).equals(phrases.get(from))) {
                to++;
            }
            // the last word of an English or a Kazakh phrase, the first not an adjective of a Russian one
            int head = -1;
            for (int t = from; t < to; t++) {
                String w = topics.get(t);
                if (isNumber(w)) {
                    continue;
                }
                if (kazakh || isLatin(w)) {
                    head = t;
                } else if (head < 0 || ADJECTIVE.matcher(topics.get(head)).find()) {
                    head = t;
                }
            }
            if (head >= 0) {
                heads.set(head);
            }
            from = to;
        }
        return new Asked(List.copyOf(topics), List.copyOf(kinds), List.copyOf(phrases), heads, qualifiers);
    }

    private static boolean isLatin(String w) {
        return w.charAt(0) < 0x250;
    }

    /** The kind a question's word asks for; «во сколько», «до скольки» ask for hours, not a price. */
    private static Kind kindOf(String word, String before) {
        if (word.startsWith("скол") && HOURS_BEFORE_HOW_MUCH.contains(before)) {
            return Kind.HOURS;
        }
        Kind k = Kind.of(word);
        if (k == null && !STOP.contains(word)) {
            k = Kind.misspelt(word);
        }
        return k;
    }

    private static final Set<String> HOURS_BEFORE_HOW_MUCH = Set.of("во", "в", "до", "со", "с", "к", "ко");
    private static final String BREAK = ",";
    private static final Pattern QUESTION_TOKEN = Pattern.compile("[\\p{L}\\p{N}]+|[,.;:!?()]");
    private static final Pattern KAZAKH_LETTERS = Pattern.compile("[әғқңөұүһіӘҒҚҢӨҰҮҺІ]");
    /** A Russian adjective's ending (детская, женской, мужских), not a noun's in -ние/-тие. */
    private static final Pattern ADJECTIVE =
            Pattern.compile("(?:ая|яя|ое|ее|ой|ый|ий|ые|ую|юю|ого|его|ому|ему|ых|их|ым|ыми|ими|(?<![нт])ие)$");

    /** The question's words, lower case, with a {@link #BREAK} for each punctuation mark. */
    private static List<String> questionTokens(String text) {
        var out = new ArrayList<String>();
        Matcher m = QUESTION_TOKEN.matcher(text.toLowerCase(Locale.ROOT).replace('ё', 'е'));
        while (m.find()) {
            String t = m.group();
            if (Character.isLetterOrDigit(t.charAt(0))) {
                splitDigits(t, out);
            } else {
                out.add(BREAK);
            }
        }
        return out;
    }

    /** A word cut where letters and digits meet ("30kg" is 30 and kg, "r17" is r and 17). */
    private static void splitDigits(String word, List<String> out) {
        int from = 0;
        for (int i = 1; i < word.length(); i++) {
            if (Character.isDigit(word.charAt(i)) != Character.isDigit(word.charAt(i - 1))) {
                out.add(word.substring(from, i));
                from = i;
            }
        }
        out.add(from == 0 ? word : word.substring(from));
    }

    static boolean isNumber(String w) {
        return !w.isEmpty() && w.chars().allMatch(Character::isDigit);
    }

    private static final Pattern RANGE = Pattern.compile(
            "(?<![\\d\\s-])\\s?\\p{L}?(\\d{1,3})\\s*[–—-]\\s*\\p{L}?(\\d{1,3})(?![\\d-])|"
                    + "(?i:up to|under|below|less than|до|меньше|менее|не более)\\s+(\\d{1,3})(?!\\d)|"
                    + "(?i:over|above|more than|больше|свыше|более|от)\\s+(\\d{1,3})(?!\\d)",
            Pattern.UNICODE_CASE);

    /** Whether the line names a range of small numbers (sizes, ages, weights) holding the number. */
    static boolean inRange(String line, String number) {
        if (number.length() > 3) {
            return false;
        }
        int n = Integer.parseInt(number);
        Matcher m = RANGE.matcher(line);
        while (m.find()) {
            if (m.group(1) != null) {
                int a = Integer.parseInt(m.group(1));
                int b = Integer.parseInt(m.group(2));
                if (a < b && a <= n && n <= b) {
                    return true;
                }
            } else if (m.group(3) != null) {
                if (n <= Integer.parseInt(m.group(3))) {
                    return true;
                }
            } else if (n > Integer.parseInt(m.group(4))) {
                return true;
            }
        }
        return false;
    }

    /** A line that asks rather than answers: it ends in a question mark (emphasis and quotes aside). */
    static boolean isQuestion(String line) {
        String s = line.strip();
        int end = s.length();
        while (end > 0 && "*_\"»”') ".indexOf(s.charAt(end - 1)) >= 0) {
            end--;
        }
        return end > 0 && s.charAt(end - 1) == '?';
    }

    /** The word and, when the lexicon knows it, the same word in the other languages. */
    static Set<String> variants(String word) {
        var out = new LinkedHashSet<String>();
        out.add(word);
        // the meanings holding the word itself, else a form of it, else a misspelling of it: «сейсенбі» is
        // Tuesday, not Monday («дүйсенбі») two letters away
        int best = Integer.MAX_VALUE;
        var found = new ArrayList<List<String>>();
        for (List<String> meaning : LEXICON) {
            int closest = Integer.MAX_VALUE;
            for (String w : meaning) {
                // not "hair" for "haircut": the question's word is the word or a longer form of it
                if (sameWord(word, w) && word.length() >= w.length() - 2) {
                    int p = prefix(word, w);
                    closest = Math.min(
                            closest, word.equals(w) ? 0 : p >= 4 || p == Math.min(word.length(), w.length()) ? 1 : 2);
                }
            }
            if (closest < best) {
                best = closest;
                found.clear();
            }
            if (closest == best && closest != Integer.MAX_VALUE) {
                found.add(meaning);
            }
        }
        found.forEach(out::addAll);
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
            splitDigits(m.group(), out);
        }
        // a word written with a hyphen is also the word without it ("X-ray": xray, «гель-лак»: гельлак)
        Matcher h = HYPHENATED.matcher(text.toLowerCase(Locale.ROOT).replace('ё', 'е'));
        while (h.find()) {
            out.add(h.group().replace("-", ""));
        }
        return out;
    }

    private static final Pattern HYPHENATED = Pattern.compile("\\p{L}+(?:-\\p{L}+)+");

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
     * leaves at most 3 letters of the shorter one (a stem: маникюр/маникюра, sunday/sundays, open/opening); or
     * a short word and it with an ending (зуб/зубы, car/cars); or the same Kazakh stem once case, plural and
     * possessive suffixes are cut (тіс/тістерді, уақыт/уақытқа); or, from 5 letters, one or (from 8) two typing
     * mistakes apart.
     */
    static boolean sameWord(String a, String b) {
        if (a.equals(b)) {
            return true;
        }
        if (!Character.isLetter(a.charAt(0)) || !Character.isLetter(b.charAt(0))) {
            return false;
        }
        int shorter = Math.min(a.length(), b.length());
        int prefix = prefix(a, b);
        if (prefix >= 4 && prefix >= shorter - 3) {
            return true;
        }
        if (prefix == shorter && shorter >= 3) {
            String ending = a.length() > b.length() ? a.substring(shorter) : b.substring(shorter);
            if (ENDINGS.contains(ending)) {
                return true;
            }
        }
        if (prefix >= 3 && a.charAt(0) >= 0x400 && b.charAt(0) >= 0x400) {
            String sa = kazakhStem(a);
            String sb = kazakhStem(b);
            if (sa.length() >= 3 && sa.equals(sb)) {
                return true;
            }
        }
        if (isLatin(a) != isLatin(b)) {
            return sameLoanword(a, b);
        }
        int longest = Math.max(a.length(), b.length());
        int mistakes = shorter >= 8 ? 2 : 1;
        if (shorter < 5 || longest - shorter > mistakes) {
            return false;
        }
        // a cheap lower bound first: an edit changes the letters' counts by at most 2
        int[] counts = new int[32];
        for (int i = 0; i < a.length(); i++) {
            counts[a.charAt(i) & 31]++;
        }
        for (int i = 0; i < b.length(); i++) {
            counts[b.charAt(i) & 31]--;
        }
        int differ = 0;
        for (int c : counts) {
            differ += Math.abs(c);
        }
        return (differ + 1) / 2 <= mistakes && distance(a, b) <= mistakes;
    }

    /**
     * Whether a Latin and a Cyrillic word are the same international word (manicure/маникюр, diagnostics/
     * диагностика, taxi/такси, Kaspi/Каспи): their sounds, spelt alike, share a stem of at least 4 letters
     * leaving at most 3 of the shorter.
     */
    static boolean sameLoanword(String a, String b) {
        if (Math.min(a.length(), b.length()) < 3) {
            return false;
        }
        if (firstSound(a) != firstSound(b)) {
            return false;
        }
        String x = sound(a);
        String y = sound(b);
        if (x.isEmpty() || y.isEmpty() || x.charAt(0) != y.charAt(0)) {
            return false;
        }
        int shorter = Math.min(x.length(), y.length());
        int p = prefix(x, y);
        return x.equals(y) || (shorter >= 5 && p >= 4 && p >= shorter - 3);
    }

    /** The first letter of {@link #sound}, without building it. */
    private static char firstSound(String word) {
        char c = word.charAt(0);
        return switch (c) {
            case 'а', 'ә' -> 'a';
            case 'б' -> 'b';
            case 'в', 'w' -> 'v';
            case 'г', 'ғ' -> 'g';
            case 'д' -> 'd';
            case 'е', 'э' -> 'e';
            case 'ж', 'з' -> 'z';
            case 'и', 'і', 'й', 'ы', 'y', 'ю', 'я' -> 'i';
            case 'к', 'қ', 'q', 'x' -> 'k';
            case 'c' -> word.length() > 1 && "eiy".indexOf(word.charAt(1)) >= 0 ? 's' : 'k';
            case 'л' -> 'l';
            case 'м' -> 'm';
            case 'н', 'ң' -> 'n';
            case 'о', 'ө' -> 'o';
            case 'п' -> 'p';
            case 'р' -> 'r';
            case 'с', 'ш', 'щ' -> 's';
            case 'т', 'ц' -> 't';
            case 'у', 'ұ', 'ү' -> 'u';
            case 'ф' -> 'f';
            case 'х', 'һ' -> 'h';
            case 'ч' -> 'c';
            default -> c;
        };
    }

    /** A word spelt by its sounds in plain Latin letters: Cyrillic transliterated, look-alike spellings made one. */
    static String sound(String word) {
        var out = new StringBuilder(word.length() + 4);
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            char next = i + 1 < word.length() ? word.charAt(i + 1) : ' ';
            if (c == 'c' && (next == 'e' || next == 'i' || next == 'y')) {
                out.append('s'); // price, service
                continue;
            }
            String t = switch (c) {
                case 'а', 'ә' -> "a";
                case 'б' -> "b";
                case 'в', 'w' -> "v";
                case 'г', 'ғ' -> "g";
                case 'д' -> "d";
                case 'е', 'э' -> "e";
                case 'ж' -> "zh";
                case 'з' -> "z";
                case 'и', 'і', 'й', 'ы', 'y' -> "i";
                case 'к', 'қ', 'c', 'q' -> "k";
                case 'л' -> "l";
                case 'м' -> "m";
                case 'н', 'ң' -> "n";
                case 'о', 'ө' -> "o";
                case 'п' -> "p";
                case 'р' -> "r";
                case 'с' -> "s";
                case 'т' -> "t";
                case 'у', 'ұ', 'ү' -> "u";
                case 'ф' -> "f";
                case 'х', 'һ' -> "h";
                case 'ц' -> "ts";
                case 'ч' -> "ch";
                case 'ш', 'щ' -> "sh";
                case 'ъ', 'ь' -> "";
                case 'ю' -> "iu";
                case 'я' -> "ia";
                case 'x' -> "ks";
                default -> String.valueOf(c);
            };
            out.append(t);
        }
        // ph is f, th is t, wh is w, ts is t (кондиционер, conditioner); a doubled letter is one
        String s = out.toString()
                .replace("ph", "f")
                .replace("th", "t")
                .replace("vh", "v")
                .replace("ts", "t");
        var single = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            if (i == 0 || s.charAt(i) != s.charAt(i - 1)) {
                single.append(s.charAt(i));
            }
        }
        return single.toString();
    }

    static int prefix(String a, String b) {
        int shorter = Math.min(a.length(), b.length());
        int p = 0;
        while (p < shorter && a.charAt(p) == b.charAt(p)) {
            p++;
        }
        return p;
    }

    /** Endings that make another form of a short word (зуб/зубы/зубов, car/cars). */
    private static final Set<String> ENDINGS = Set.of(
            "s", "es", "а", "я", "у", "ю", "е", "ы", "и", "ом", "ем", "ов", "ев", "ам", "ям", "ах", "ях", "ей", "ой");

    /** Kazakh case, plural and possessive suffixes and verb endings (бояу, бояйсыздар), longest first. */
    private static final List<String> KAZAKH_SUFFIXES = Stream.of("""
                    лардың лердің дардың дердің тардың тердің лары лері дары дері тары тері
                    лар лер дар дер тар тер ның нің дың дің тың тің нан нен дан ден тан тен
                    ға ге қа ке на не да де та те ны ні ды ді ты ті сы сі мен бен пен ым ім ың ің
                    асыздар есіздер йсыздар йсіздер асыз есіз йсыз йсіз амыз еміз ймыз йміз ады еді йды йді у ю""".strip().split("\\s+"))
            .sorted((x, y) -> y.length() - x.length())
            .toList();

    /** A word without its Kazakh suffixes, keeping at least 3 letters. */
    static String kazakhStem(String word) {
        String w = word;
        for (int round = 0; round < 3; round++) {
            String cut = null;
            for (String s : KAZAKH_SUFFIXES) {
                if (w.endsWith(s) && w.length() - s.length() >= 3) {
                    cut = w.substring(0, w.length() - s.length());
                    break;
                }
            }
            if (cut == null) {
                break;
            }
            w = cut;
        }
        return w;
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
