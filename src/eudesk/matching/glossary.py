"""A general Danish-English glossary of municipal and EU-funding concepts, for query expansion and explanations.

Each concept has an English label, Danish word stems and English terms. A Danish stem matches a query word that
starts with it; stems of five letters or more also match inside compounds ("klimatilpasning" contains "tilpasning"),
unless written with a leading "^" (word start only: "^ældre" must not match "forældre"). English terms are matched
on Snowball stems, a multi-word term as a phrase. The list is general domain vocabulary, not tuned to any case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from eudesk.matching.text import analyse, bigrams, danish_names


@dataclass(frozen=True)
class Concept:
    """One concept: an English label, Danish stems and English terms."""

    label: str
    da: tuple[str, ...]
    en: tuple[str, ...]


def _c(label: str, da: str, en: str) -> Concept:
    return Concept(label, tuple(t.strip() for t in da.split(",") if t.strip()),
                   tuple(t.strip() for t in en.split(",") if t.strip()))


CONCEPTS: tuple[Concept, ...] = (
    # Climate, environment, nature
    _c("climate adaptation", "klimatilpas, tilpasning til klima, skybrud, oversvøm, stormflod, havvandsstig, "
       "klimasikr, ekstremvejr, hedebølge, tørke",
       "climate adaptation, adaptation to climate change, climate resilience, climate risk, flood, flooding, "
       "extreme weather, heatwave, drought, sea level rise, storm surge, cloudburst"),
    _c("climate mitigation", "klimaneutral, co2, drivhusgas, udledning, klimaplan, klimamål, klimaindsats",
       "climate neutrality, climate-neutral, greenhouse gas, emissions, decarbonisation, carbon, mitigation, "
       "net zero, climate action"),
    _c("climate", "^klima", "climate, climate change"),
    _c("water", "^vand, spildevand, drikkevand, grundvand, regnvand, kloak, afløb, vandløb, vandforsyning, "
       "vandmiljø, rensning",
       "water, wastewater, drinking water, groundwater, stormwater, rainwater, sewer, water management, "
       "water quality, water resilience"),
    _c("sea and coast", "^havet, ^havområ, havmiljø, ^havbund, kyst, fjord, ^havn, marin, fiskeri, ^fisk",
       "ocean, sea, marine, coastal, coast, port, harbour, blue economy, fisheries, maritime"),
    _c("nature and biodiversity", "biodiversitet, natur, ^arter, økosystem, vild natur, naturgenopret, "
       "bestøv, insekt, ^skov, ^træer, beplantning, vådområde, ^mose",
       "biodiversity, nature, ecosystem, habitat, species, nature restoration, nature-based solutions, "
       "pollinators, forest, trees, wetland, green infrastructure"),
    _c("green spaces", "grønne område, ^park, ^grønne, byens grønne, byrum, kolonihave, bynatur",
       "green space, urban green, park, public space, green infrastructure, urban greening"),
    _c("soil and land", "^jord, jordforurening, arealanvend, landbrugsjord",
       "soil, soil health, land use, contaminated soil, land take"),
    _c("pollution", "forurening, luftkvalitet, ^støj, partikler, kemikalier, pesticid",
       "pollution, air quality, air pollution, noise, zero pollution, chemicals, pesticides"),
    _c("circular economy", "cirkulær, genbrug, genanvend, ^affald, ressource, ^reparation, ^reparer, deleøkonomi, "
       "madspild, byggeaffald",
       "circular economy, circularity, reuse, recycling, waste, resource efficiency, repair, sharing economy, "
       "food waste, construction waste"),
    _c("bioeconomy and food", "fødevare, ^mad, måltid, landbrug, økologisk, bioøkonomi, kantine, køkken",
       "food, food systems, nutrition, meals, agriculture, farming, organic, bioeconomy, healthy diets"),
    # Energy, buildings, mobility
    _c("energy", "^energi, ^el$, elnet, strøm, fjernvarme, varme, ^varmen, opvarmning, forsyning",
       "energy, electricity, grid, district heating, heating, heat, energy supply, utilities"),
    _c("renewable energy", "vedvarende energi, solcelle, solenergi, vindmølle, vindenergi, varmepumpe, biogas, "
       "geotermi, brint",
       "renewable energy, solar, photovoltaic, wind, heat pump, biogas, geothermal, hydrogen"),
    _c("energy efficiency", "energieffektiv, energibespar, energiforbrug, energirenover, isolering",
       "energy efficiency, energy savings, energy consumption, energy renovation, insulation"),
    _c("energy poverty", "energifattig, varmeregning, elregning, ^råd til varme",
       "energy poverty, energy affordability, vulnerable households, energy bills"),
    _c("energy communities", "energifællesskab, borgerenergi, lokal energi",
       "energy communities, citizen energy, community energy, local energy"),
    _c("buildings and renovation", "bygning, renover, ^byggeri, ^byggeprojekt, ^byg, nybyg, boligmasse, "
       "etageejendom, skolebygning",
       "buildings, building, renovation, construction, built environment, building stock, retrofitting"),
    _c("housing", "^bolig, lejlighed, almene, boligområde, boligforening, ^husleje, billige boliger",
       "housing, affordable housing, social housing, homes, dwellings, residential, neighbourhood"),
    _c("homelessness", "hjemløs, herberg, ^gadesov",
       "homelessness, homeless, housing first, shelter, rough sleeping"),
    _c("mobility and transport", "mobilitet, transport, trafik, ^bus$, ^busser, kollektiv trafik, letbane, ^tog$, "
       "pendl, samkørsel, delebil, ^veje$, ^vejen$, vejnet, parkering",
       "mobility, transport, traffic, public transport, bus, light rail, rail, commuting, shared mobility, "
       "urban mobility, roads, parking"),
    _c("active mobility", "cykel, cykl, gående, fodgænger, cykelsti",
       "cycling, bicycle, walking, pedestrian, active mobility, active travel"),
    _c("clean vehicles", "elbil, elbus, ladestander, opladning, ^ladeinfrastruktur, emissionsfri, fossilfri",
       "electric vehicles, electromobility, charging, charging infrastructure, zero-emission vehicles, "
       "clean vehicles"),
    _c("road safety", "trafiksikker, ^ulykke", "road safety, accidents, safety"),
    _c("logistics", "logistik, ^gods, ^levering, vareleverin", "logistics, freight, delivery, urban logistics"),
    # Cities, planning, regions
    _c("cities", "^by$, ^byer, ^byen, ^bymidte, ^kommune, kommunal, bydel, kvarter, lokalsamfund, lokalområde, byudvikling, "
       "byfornyelse, byplan",
       "cities, city, urban, municipalities, municipality, local authorities, local government, "
       "neighbourhood, district, urban development, urban regeneration, urban planning"),
    _c("rural areas", "landdistrikt, ^landsby, yderområde, ^ø$, ^øer, landområde",
       "rural areas, rural, villages, remote areas, islands"),
    _c("regions and cohesion", "region, regional, samhørighed, grænse, grænseregion, interreg",
       "regions, regional, cohesion, cross-border, territorial cooperation, interregional"),
    _c("smart cities", "smart city, intelligent by, sensor, ^data om byen, digital tvilling",
       "smart cities, smart city, sensors, internet of things, digital twin, urban data"),
    _c("public space and heritage", "kulturarv, fredet, historisk, museum, museer, bevaring",
       "cultural heritage, heritage, historic, museums, preservation"),
    _c("architecture and design", "arkitektur, ^design, æstetik, ^smuk",
       "architecture, design, aesthetics, new european bauhaus, beautiful, sustainable and inclusive"),
    # People: health, care, social
    _c("elderly", "^ældre, ^ældreomr, seniorer, pensionist, alderdom, plejehjem, plejecenter, aldring, "
       "^gammel, ^gamle",
       "older people, older persons, elderly, ageing, older adults, seniors, long-term care, nursing homes"),
    _c("care", "^pleje, ^omsorg, hjemmepleje, hjemmehjælp, plejebolig, ^visitation, ^hjælp i hjemmet, sygepleje, plejepersonale, "
       "omsorgsarbejde, pårørende",
       "care, long-term care, home care, care services, nursing, caregivers, informal carers, carers"),
    _c("independent living", "eget hjem, egen bolig, blive boende, selvhjulpen, ^selvstændig, ^hjemme",
       "independent living, ageing in place, living at home, independence, autonomy"),
    _c("welfare technology", "velfærdsteknologi, robot, skærmbesøg, telemedicin, sensor, ^alarm, hjælpemiddel, "
       "digital hjælp",
       "assistive technology, assisted living, telecare, telehealth, telemedicine, robotics, robots, "
       "digital health, smart home, sensors, active and assisted living"),
    _c("health", "^sundhed, ^sund, ^helbred, ^syg, sygdom, forebyg, ^læge, hospital, sygehus, ^behandling, "
       "patient, rehabilitering, genoptræn",
       "health, healthcare, health care, disease, prevention, patients, hospital, treatment, rehabilitation, "
       "primary care, public health, health promotion"),
    _c("mental health", "mental sundhed, ^psykisk, psykiatri, ^trivsel, ensomhed, ^ensom, ^stress, angst, "
       "depression, ^mistriv",
       "mental health, wellbeing, well-being, loneliness, social isolation, stress, anxiety, depression, "
       "psychosocial"),
    _c("dementia", "demens, alzheimer", "dementia, alzheimer, cognitive decline, neurodegenerative"),
    _c("chronic disease", "kronisk, diabetes, ^kræft, hjerte, ^overvægt, ^fedme",
       "chronic diseases, non-communicable diseases, diabetes, cancer, cardiovascular, obesity"),
    _c("physical activity and sport", "^idræt, ^sport, motion, bevægelse, fysisk aktiv, ^forening, ^motionere",
       "sport, physical activity, exercise, grassroots sport, sports clubs, active lifestyle"),
    _c("disability", "handicap, funktionsnedsæt, ^udviklingshæm, tilgængelig, ^kørestol, ^blind, ^døv",
       "persons with disabilities, disability, disabilities, accessibility, inclusion"),
    _c("social inclusion", "social, ^udsat, sårbar, fattigdom, ulighed, marginalis, inklusion, ^fællesskab",
       "social inclusion, vulnerable groups, vulnerable, poverty, inequality, marginalised, social cohesion, "
       "disadvantaged"),
    _c("social services", "socialforvaltning, sagsbehandl, socialrådgiv, ^støtte, bostøtte, socialpædagog, "
       "ydelse, velfærd",
       "social services, social work, social support, welfare, social protection, public services"),
    _c("addiction", "misbrug, ^stof, alkohol, afhængig", "addiction, substance use, drugs, alcohol"),
    _c("children and families", "^børn, ^barn, familie, ^forældre, ^spædbarn, ^småbørn, dagtilbud, "
       "daginstitution, vuggestue, ^børnehave, ^dagpleje",
       "children, child, families, family, parents, early childhood, early childhood education and care, "
       "childcare"),
    _c("youth", "^unge, ^ungdom, ^teenage, ^ung$",
       "young people, youth, adolescents, teenagers, young"),
    _c("gender equality and violence", "ligestilling, ^køn, vold, ^kvinder, partnervold, ^overgreb",
       "gender equality, gender, violence, gender-based violence, women, domestic violence, abuse"),
    _c("rights and non-discrimination", "diskrimin, rettigheder, racisme, ^lgbt, ^hadforbrydelse",
       "rights, fundamental rights, non-discrimination, discrimination, racism, equality, hate crime"),
    _c("migration and integration", "integration, flygtning, indvandr, ^migrant, nydansk, tosproget, ^asyl",
       "integration, migrants, migration, refugees, third-country nationals, asylum, newcomers"),
    _c("crime and safety", "kriminalitet, ^tryghed, ^tryg, politi, ^bande, forebyggelse af kriminalitet, "
       "radikaliser, ekstremisme",
       "crime, security, safety, police, crime prevention, radicalisation, extremism"),
    _c("civil protection and preparedness", "beredskab, ^krise, katastrofe, ^brand, redning, nødsituation",
       "civil protection, preparedness, disaster risk, crisis management, emergency, resilience, "
       "first responders"),
    _c("cybersecurity", "cybersikker, it-sikkerhed, hacker, ^databeskyt",
       "cybersecurity, cyber security, data protection, cyber attacks"),
    # Education, work, economy
    _c("schools and education", "^skole, folkeskole, undervis, ^lærer, ^elev, uddannelse, ^læring, pædagog, "
       "klasse, ^læse, ^lektie",
       "schools, school, education, teaching, teachers, pupils, learners, learning, students, curriculum"),
    _c("vocational training and skills", "erhvervsuddannelse, kompetence, ^opkvalificer, efteruddannelse, "
       "voksenuddannelse, ^kursus, ^kurser, ^lærling, færdighed",
       "skills, vocational education and training, vocational, training, upskilling, reskilling, "
       "adult learning, lifelong learning, apprenticeships"),
    _c("higher education and research", "universitet, forskning, ^forsker, videregående, ^professionshøjskole, "
       "studerende",
       "higher education, universities, research, researchers, research and innovation"),
    _c("employment", "beskæftigelse, ^job, jobcenter, ledig, arbejdsløs, arbejdsmarked, ^ansæt, "
       "virksomhedspraktik, fleksjob, kontanthjælp, sygedagpenge, ^jobsøg, ^praktik, arbejdsplads",
       "employment, jobs, unemployment, unemployed, labour market, work, job seekers, employability, "
       "public employment services"),
    _c("workforce shortage", "rekrutter, mangel på arbejdskraft, ^medarbejder, ^personale, fastholdelse, ^ansatte, "
       "faglært, højtuddannet",
       "workforce, labour shortages, recruitment, retention, staff, health workforce, care workers"),
    _c("business and SMEs", "virksomhed, ^erhverv, iværksæt, ^smv, ^butik, detailhandel, handel, ^firma",
       "SMEs, small and medium-sized enterprises, businesses, enterprises, companies, entrepreneurs, "
       "entrepreneurship, start-ups, retail"),
    _c("tourism", "turis, ^turist, ^besøgende, ^overnatning", "tourism, tourists, visitors, sustainable tourism"),
    _c("innovation", "innovation, ^innover, nytænk, udvikling af nye, ^afprøv, forsøg, pilot, ^test",
       "innovation, innovative, pilot, piloting, testing, demonstration, experimentation, living labs"),
    _c("procurement", "^udbud, ^indkøb, offentlige indkøb", "public procurement, procurement, purchasing"),
    _c("social economy", "socialøkonomi, ^frivillig, civilsamfund, ^forening",
       "social economy, social enterprises, volunteers, volunteering, civil society, NGOs"),
    # Digital, government, democracy
    _c("digitalisation", "digital, ^it$, ^data, ^platform, ^app$, ^apps, ^software, selvbetjening, digitalisering",
       "digital, digitalisation, digital transformation, data, platform, software, e-government, apps"),
    _c("artificial intelligence", "kunstig intelligens, ^ai$, maskinlæring, ^chatbot, algoritme",
       "artificial intelligence, AI, machine learning, algorithms, chatbots"),
    _c("digital skills and inclusion", "digitale kompetencer, ^it-kompetencer, digital inklusion, ^digitalt udsat",
       "digital skills, digital literacy, digital inclusion, digital divide"),
    _c("connectivity", "bredbånd, internet, ^5g, mobildækning, ^netværk",
       "connectivity, broadband, internet, 5G, networks"),
    _c("public administration", "forvaltning, administration, offentlig sektor, myndighed, ^sagsbehandling, "
       "borgerservice",
       "public administration, public sector, public authorities, public services, governance"),
    _c("democracy and participation", "demokrati, borgerinddrag, ^inddrag, medborger, ^høring, ^borger, "
       "deltagelse, ^valget, ^kommunalvalg, ^medbestem",
       "democracy, democratic, citizen participation, citizens, participation, engagement, civic, "
       "co-creation, citizen engagement, elections"),
    _c("town twinning and networks", "venskabsby, ^venskab, ^netværk af byer, samarbejdsby",
       "town twinning, networks of towns, twinning, exchange, european remembrance"),
    _c("european cooperation", "europæisk, ^eu$, ^eu-, ^partner, samarbejde, udveksling, ^internationalt",
       "european, cooperation, partnership, exchange, transnational, partners"),
    # Culture, media, youth work
    _c("culture", "^kultur, ^kunst$, ^kunsten, ^kunstner, ^kunstværk, billedkunst, teater, ^musik, bibliotek, ^kulturliv, ^festival, koncert",
       "culture, cultural, arts, artists, theatre, music, libraries, creative, cultural and creative sectors"),
    _c("media and information", "medie, ^nyhed, journalist, misinformation, desinformation, ^falske nyheder",
       "media, news, journalism, disinformation, misinformation, media literacy"),
    _c("leisure and youth work", "^fritid, klub, ^ungdomsklub, ^fritidsjob, ungdomsarbejde, ^sommerferie",
       "leisure, youth work, youth clubs, non-formal learning, youth participation"),
    _c("volunteering", "^frivillig", "volunteering, volunteers, solidarity, European Solidarity Corps"),
    # More specific needs that municipalities often describe
    _c("urban heat and green roofs", "hedeø, grønne tage, ^grønt tag, beskygning, ^skygge",
       "urban heat island, heat stress, green roofs, shading, cooling"),
    _c("coastal protection", "kystbeskyt, ^dige, ^diger, højvande, kystsikr",
       "coastal protection, dikes, coastal flooding, coastal erosion"),
    _c("lakes and rivers", "^sø$, ^søer, ^åer$, ^åen$, vandløb, ferskvand, ^å$",
       "lakes, rivers, freshwater, streams, river restoration"),
    _c("plastics and litter", "^plast, havaffald, ^skrald, henkastet affald, engangs",
       "plastic, plastics, marine litter, litter, single-use plastics, plastic pollution"),
    _c("textiles and products", "tekstil, ^tøj, elektronik, emballage, ^møbler",
       "textiles, clothing, electronics, packaging, furniture, products"),
    _c("waste sorting and collection", "affaldssortering, ^sortering, ^sortere, genbrugsplads, affaldsindsaml",
       "waste collection, separate collection, sorting, recycling centres"),
    _c("construction materials", "byggematerial, træbyggeri, ^træhuse, genbrugsmaterial, ^beton",
       "construction materials, timber, wood construction, bio-based materials, concrete, reuse of materials"),
    _c("local food", "lokale fødevarer, lokal mad, ^madfællesskab, skolemad, ^frugt, ^grønt$, ^grøntsag",
       "local food, short supply chains, school meals, fruit and vegetables, food environment"),
    _c("malnutrition and medication", "underernær, ^medicin, ^ernæring",
       "malnutrition, nutrition, medication, medicines"),
    _c("integrated care", "sammenhæng, tværsektoriel, ^udskriv, ^genindlæg, ^overgang, ^koordiner",
       "integrated care, care coordination, continuity of care, hospital discharge, readmissions, coordination"),
    _c("respite and relatives", "aflastning, pårørende, ^pårørendes", "informal carers, family carers, respite care"),
    _c("school absence and dropout", "skolefravær, ^fravær, ^frafald, ^droppe ud, skoletræt",
       "early school leaving, dropout, absenteeism, school attendance"),
    _c("NEET youth", "hverken i job eller uddannelse, uden uddannelse, ^ufaglært",
       "NEET, young people not in employment, education or training, low-skilled"),
    _c("language learning", "danskundervisning, sprogundervis, ^sprog, ^dansk$, ^modersmål, flersproget",
       "language learning, language skills, multilingual, language"),
    _c("working conditions", "arbejdsmiljø, ^sygefravær, nedslidning, ^trivsel på arbejde",
       "working conditions, occupational safety and health, sick leave, well-being at work"),
    _c("data sharing and interoperability", "datadeling, ^dele data, åbne data, ^interoperab, ^datasæt",
       "data sharing, data spaces, interoperability, open data, datasets"),
    _c("citizen science", "borgerforskning, borgervidenskab", "citizen science, participatory research"),
    _c("micromobility and automation", "løbehjul, elløbehjul, selvkørende, førerløs, ^drone, ^droner",
       "micromobility, e-scooters, automated vehicles, autonomous vehicles, drones"),
    _c("waterborne transport", "^færge, skibsfart, ^skibe$, ^sejlads", "ferries, shipping, waterborne transport, vessels"),
    _c("transport poverty and access", "transportfattig, ^tilgængelighed, ^afstand, ^yderkant",
       "transport poverty, accessibility, access to services"),
    _c("smart grids and storage", "smart grid, ^fleksib, energilagring, ^batteri, ^lagring",
       "smart grids, flexibility, demand response, energy storage, batteries"),
    _c("street lighting", "belysning, gadelys, ^lys$", "lighting, street lighting, public lighting"),
    _c("cultural and creative industries", "kreative erhverv, ^kreativ, ^film, ^spil$, ^computerspil",
       "cultural and creative industries, creative sectors, film, audiovisual, video games"),
    _c("remembrance and history", "erindring, ^historie, ^mindes, besættelse",
       "remembrance, European remembrance, history, memory"),
    _c("invasive species", "invasive arter, ^invasiv", "invasive alien species, invasive species"),
    _c("green skills and jobs", "grønne kompetencer, grønne job, grøn omstilling",
       "green skills, green jobs, green transition, just transition"),
)


# Danish words that begin like a concept's stem but mean something else ("vandt" = won, "vandre" = hike,
# "parkering" = parking, "elevator", "frugtbar" = fruitful, "voldsom" = violent/intense, as in "voldsomme
# regnskyl"). A word starting with one of these does not bring that concept in.
FALSE_FRIENDS: dict[str, tuple[str, ...]] = {
    "water": ("vandt", "vandr"),
    "green spaces": ("parkering", "parkere", "parkeret"),
    "schools and education": ("elevator",),
    "local food": ("frugtbar",),
    "gender equality and violence": ("voldsom",),
}


@dataclass(frozen=True)
class _DanishMatcher:
    prefix: dict[str, list[int]]  # a stem matching at the start of a word
    whole: dict[str, list[int]]  # a stem that must be the whole word
    infix: dict[str, list[int]]  # a stem matching anywhere inside a word (compounds)
    false_friends: list[tuple[str, int]]  # (word beginning, concept index) that does not mean the concept


@lru_cache(maxsize=1)
def _danish_matcher() -> _DanishMatcher:
    m = _DanishMatcher({}, {}, {}, [])
    for ci, c in enumerate(CONCEPTS):
        m.false_friends.extend((start, ci) for start in FALSE_FRIENDS.get(c.label, ()))
        for stem in c.da:
            body = stem.strip("^$ ").lower()
            if " " in body:
                continue  # a phrase: see _phrases_by_first_word
            if stem.endswith("$"):
                m.whole.setdefault(body, []).append(ci)
            elif stem.startswith("^") or len(body) < 5:
                m.prefix.setdefault(body, []).append(ci)
            else:
                m.infix.setdefault(body, []).append(ci)
    return m


@lru_cache(maxsize=1)
def _phrases_by_first_word() -> dict[str, list[tuple[re.Pattern[str], int]]]:
    """Multi-word Danish stems by their first word (always a whole word): (regex, concept index)."""
    out: dict[str, list[tuple[re.Pattern[str], int]]] = {}
    for ci, c in enumerate(CONCEPTS):
        for stem in c.da:
            body = stem.strip("^$ ").lower()
            if " " in body:
                esc = r"\s+".join(re.escape(w) for w in body.split())
                tail = r"(?![\w])" if stem.endswith("$") else ""
                out.setdefault(body.split()[0], []).append((re.compile(rf"(?<![\w]){esc}{tail}"), ci))
    return out


_DA_WORD = re.compile(r"[^\W_]+", re.UNICODE)


@lru_cache(maxsize=65536)
def _word_concepts(w: str) -> frozenset[int]:
    """Indexes of the concepts one lower-case Danish word brings in (cached: a query's words recur in later ones)."""
    m = _danish_matcher()
    found: set[int] = set(m.whole.get(w, ()))
    for i in range(1, len(w) + 1):
        found.update(m.prefix.get(w[:i], ()))
    for i in range(len(w) - 4):
        for j in range(i + 5, len(w) + 1):
            found.update(m.infix.get(w[i:j], ()))
    if found:
        found.difference_update(ci for start, ci in m.false_friends if w.startswith(start))
    return frozenset(found)


def concepts_in_danish(text: str) -> list[Concept]:
    """Concepts whose Danish stems occur in a Danish text (prefix, whole-word, compound-part or phrase match)."""
    low = text.lower()
    hit: set[int] = set()
    words = set(_DA_WORD.findall(low))
    for w in words - danish_names(text):  # "koncert i Parken" is not about green spaces
        hit |= _word_concepts(w)
    phrases = _phrases_by_first_word()
    for w in words & phrases.keys():  # a phrase is looked for only when its first word is in the text
        hit.update(ci for rx, ci in phrases[w] if ci not in hit and rx.search(low))
    return [CONCEPTS[i] for i in sorted(hit)]


@dataclass(frozen=True)
class ConceptTerms:
    """A concept's English terms analysed for the lexical index: unigram stems and phrase bigrams."""

    concept: Concept
    terms: tuple[tuple[str, ...], ...]  # one tuple of index terms per English term
    labels: tuple[str, ...]  # the English term of each entry of terms


@lru_cache(maxsize=1)
def concept_terms() -> dict[str, ConceptTerms]:
    """Every concept's English terms as index terms (a one-word term -> (stem,), a phrase -> its bigrams)."""
    out: dict[str, ConceptTerms] = {}
    for c in CONCEPTS:
        terms: dict[tuple[str, ...], str] = {}
        for term in c.en:
            stems = analyse(term, "en")
            if stems:
                terms.setdefault(tuple(bigrams(stems)) if len(stems) > 1 else (stems[0],), term)
        out[c.label] = ConceptTerms(c, tuple(terms), tuple(terms.values()))
    return out


def concepts_in_stems(stems: set[str]) -> list[Concept]:
    """Concepts with at least one English term present in a set of index terms (unigram stems and bigrams)."""
    found = []
    for ct in concept_terms().values():
        if any(all(t in stems for t in term) for term in ct.terms):
            found.append(ct.concept)
    return found
