# ruff: noqa: E501 (prose as the seeds write it)
"""The written annual analysis: Demokrati och medborgarservice' text from seeds/004… and the coordination
group's texts from seeds/000…, as the seeds write them (line breaks of the PDF extraction joined, obvious
typos kept). Sentences that state a figure are left out: the documents insert every figure from the engine."""

from __future__ import annotations

from demo_cycle.common import IS, D, U
from fordela.engine import model as m
from fordela.engine.model import AnalysisSection as S

SEED_004 = "seeds/004_c118340214a562f9.txt (årlig analys 2026, Demokrati och medborgarservice)"
SEED_000 = "seeds/000_f56656227c2fd7c1.txt (strategisk samordningsgrupp, årlig analys 2026)"

DMS = {
    S.INTRODUCTION: """Nämnden för Demokrati och medborgarservice är, tillsammans med Nämnden för Intraservice och Inköp- och upphandlingsnämnden, sedan 2023 en av Göteborgs stads tre leverantörer av gemensamma digitala tjänster.

Ansvaret som leverantör av digitala tjänster regleras i Göteborgs Stads riktlinje för styrning, samordning och finansiering av digital utveckling och förvaltning. I riktlinjen anges också vilket ansvar övriga nämnder och bolagsstyrelser har inom området.

Kort sagt ansvarar leverantörerna för att förvalta och utveckla tjänster som ska levereras till stadens övriga nämnder och bolag i enlighet med fastslagen tidsplan och enligt överenskommen kvalitet och servicenivå.

Vidare ingår det att som leverantör årligen tydliggöra den strategiska riktningen som ligger till grund för förvaltning och utveckling av de så kallade bastjänsterna. Det vill säga de tjänster som är obligatoriska för stadens förvaltningar och bolag att använda. Strategin ska baseras på behov av utveckling utifrån kommunkoncernens efterfrågan samt pågående och planerade satsningar. Strategin sammanställs i en så kallad årlig analys.

Göteborgs stads strategiska samordningsgrupp värderar och prioriterar de angivna behoven, planeringen och finansiering i samtliga leverantörers årliga analyser inför kommande budgetprocess. Den strategiska samordningsgruppen leds av stadsdirektörern och består av representanter för stadens förvaltningar och bolag (hädanefter refererade till som kunderna).

Detta underlag är den årliga analys som nämnden för Demokrati och medborgarservice (hädanefter refererad till som leverantören) lämnar vidare till strategisk samordningsgrupp inför budgetprocess 2026. Den årliga analysen är inget beslutsgrundande underlag. Det är en analys som utgör underlag för budgetförutsättningar kommande planperiod.""",
    S.SERVICES_DELIVERED: """Leveranatören levererar en så kallad tilläggstjänst - icke obligatorisk tjänst- som är Verksamhetsanpassad kundtjänst. Den erbjuder kundtjänst utifrån kundens målgrupp. Tjänsten är valbar och avtal ingås med respektive kund. Kunddialog genomförs löpande för att utveckla tjänsten utifrån kundens behov. Utveckling inom förvaltning har identifierats och hanteras i dialog med kunderna. Det har inte framkommit några behov som gett underlag till behov av betydande förändringar.

Leverantören har under 2024 genomfört utredning om bolagens möjlighet till anslutning till nämndens bastjänster. Med hjälp av resultatet ska dialog om anslutning genomföras under 2025 med målsättning att avtal finns på plats till 2026. Detta kan få en påverkan på fördelningen av tjänsternas kostnader då kostnaderna minskas för kunderna när fler är med och delar på respektive tjänsts totala kostnad. Om detta blir aktuellt hanteras det genom förändring av den fakturering som sker årligen för nämndens bastjänster.""",
    S.NEW_AND_RETIRED: """Leverantören har inte identifierat behov av att införa några nya tjänster och kommer således inte att föreslå några sådana inför 2026. Det har heller inte identifierats att någon av nämndens nuvarande tjänster bör avvecklas.

Det finns inga pågående, betydande, förändringsinsatser inom tjänsterna och därför innehåller inte analysen eventuella avvikelser i förhållande till sådana insatser.""",
    S.MANAGEMENT_COST: """Leverantören levererar gemensamma tjänster såsom Göteborgs stads kontaktcenter och extern service och kommunikation samt demokratistärkande metoder och verktyg.

I framtagandet av årlig analys för år 2026 har samtliga tjänster analyserats utifrån behov hos kunderna, omvärldsbevakning samt analys av verksamheten som utför tjänsten.

För år 2026 har inga betydande förändringar för någon av bastjänsterna identifierats. Med betydande förändring avses exempelvis förändringsinsatser som leder till en större förändring i tjänstens innehåll. I dialog med kunderna har behov av utveckling av tjänsterna identifierats. Detta redogörs för i avsnittet sammanfattning av utveckling inom förvaltning per tjänst.""",
    S.KEY_CHANGES: """För år 2026 föreslås en förändrad fördelningsnyckel. Tidigare har leverantören fördelat den totala kostnaden för respektive tjänst mellan kunderna med hjälp av en fördelningsnyckel baserat på uppgifter om kundernas olika antal administrativa datorer. Antalet indikerar hur stor kunden är i förhållande till övriga kunder och anger på så vis hur stor andel kunden ska betala av tjänstens totala kostnad. Uppgiften om antalet administrativa datorer per kund har tidigare erhållits av Intraservice. Emellertid finns det inte möjlighet att erhålla den uppgiften framöver. Leverantören kommer därför att övergå till att använda samma fördelningsnyckel som de två övriga leverantörerna, antal anställda.

Förändringen kommer att medföra förändrade kostnader för samtliga kunder då antal anställda och antal administrativa datorer förvisso båda indikerar storlek men inte ger exakt samma andelsfördelning.""",
    S.KEY_CHANGE_DIALOGUE: """Leverantören kommer ta kontakt med samtliga förvaltningar för information och dialog med anledning av förslaget under första kvartalet 2025.""",
}
DMS_SERVICES = {
    "extern-service": """Genom tjänsten Extern Service och kommunikation ansvarar leverantören för att samordna, förvalta och vidareutveckla det övergripande arbetet med goteborg.se, kalendarium.goteborg.se och mina sidor. Dessutom ger leverantören stöd till kunderna att utveckla e-tjänster. Leverantören stöttar förvaltningsredaktörer i deras arbete med att utveckla det redaktionella innehållet på goteborg.se. Utöver det ansvarar leverantören för att Göteborgs Stad följer de lagkrav som finns inom området.

Leverantören har också ett övergripande ansvar för att samordna, förvalta och vidareutveckla Göteborgs stads officiella sociala mediekonton på facebook, instagram och youtube. All vidareutveckling inom tjänsten ska ske med utgångspunkt i användarvänlighet utifrån boende, besökare och näringslivs behov.

2026 avser leverantören fortsätta vidareutveckla goteborg.se med fokus på att förbättra användarnas upplevelse bland annat genom nya, bättre kartlösningar, vidareutveckling utifrån tillgänglighetskrav och med en mer grafiskt enhetlig webbplats.

Tider av ständiga cyberattacker ställer krav på att stadens webbplats goteborg.se är robust och säker. Utredning pågår kring behov av en alternativ webbplats, som det går att växla över till i händelse av att goteborg.se inte är tillgänglig på grund av yttre påverkan.

Leverantören kommer att vidareutveckla funktioner i Mina sidor för att skapa förbättrad användarnytta. Översyn pågår också av hur AI kan vara möjliggörare inom flera områden. Exempelvis om en AI-agent kan kopplas till goteborg.se och matas maskinellt med stora mängder relevant information.""",
    "kontaktcenter": """Göteborgs Stads kontaktcenter erbjuder boende, besökare och näringsliv personlig vägledning och information om stadens verksamhet och tjänster via via telefon, e-post och Göteborgs Stads officiella konton på Facebook och Instagram.

Kunderna har uttryckt behov av att få ta del av information om vilka vanligen förkommande frågor eller ärenden de som kontaktar staden via kontaktcenter har.

Leverantören har tillgång till viss data idag men för att möta kundernas önskemål och behov behöver hanteringen av datan ske på ett mer resurseffektivt och systematiskt sätt vilket kräver utveckling. Utvecklingen möjliggör en mer förfinad samtalsanalys genom vilken man på ett mer ändamålsenligt sätt kan identifiera behov, nöjdhet och upplevelse hos de vi finns till för. En kategorisering av ärendetyper och huruvida frågeställningar blir besvarade och lösta är en viktig del i det. Utvecklingsarbetet påbörjas under år 2025 och förväntas fortsätta 2026. Ytterligare möjligheter är ett ärendehanteringssystem integrerat i telefonitjänsten. På så vis möjliggörs insamling och rapportering av data på ett effektivare och mindre resurskrävande sätt. Det ger underlag till såväl kunder som för serviceutveckling på kontaktcenter. 2026 ska telefonisystemet vara infört.

Under 2025 startas ett utvecklingsinitiativ kring vilka möjligheter som finns med AI för att effektivisera och på ett säkert sätt hitta information. Beroende på hur det faller ut är planen att införa det under 2026. Detta initiativ har ett beroende till förändringsinsatsen som gäller förutsättningar för AI inom digital infrastruktur på Intraservice.""",
    "demokrati": """Tjänsten Demokratistärkande metoder och verktyg erbjuder digitala verktyg där syftet är att stärka dialog, öka delaktighet och inflytande för medborgare i Göteborg Stad. Från och med år 2025 inkluderar tjänsten inte längre Göteborgsförslaget, utan det finansieras via kommunbidrag.

2023 fick leverantören, i uppdrag att införa plattformen Decidim. Decidim är en digital plattform som möjliggör digitalt medborgarinflytande. Den kan användas för exempelvis administration av medborgarbudget. Uppdraget är genomfört och utvecklingen implementerade under hösten 2024.

I dialog med kunderna, dels genom befintliga samarbete, dels genom särskild kunddialog har det framkommit att de önskar nyttja den digitala medborgarplattformen. Detta för sina delaktighetsinsatser med invånarna så att medborgare, tjänstepersoner och förtroendevalda kan delta och följa processer som staden har. Insatserna kan vara medborgardialoger, medborgarberedning/-råd, samråd inom stadsutveckling, enkäter. Därför ser leverantören att tjänstens innehåll behöver fortsatt utvecklas, exempelvis vad gäller administrera komponenterna och skapa utbildningar för arbetssätten. Detta medför en mindre ökning av resursåtgång.

Nyttan med tjänsten är exempelvis att den underlättar administrationen kring medborgarbudget och skapar god insyn och möjlig samsyn i hantering av delaktighetsinsatser. Detta kan i sin tur bidra till att invånare som deltar för en ökad förståelse för kommunala prioriteringar och processer.""",
    "oppna-data": """Öppna data är digitaliserad, offentlig information som vem som helst kan ta del av och använda till valfritt ändamål. Offentliga verksamheter samlar ofta in och lagrar stora mängder offentlig data. Genom att digitalisera, strukturera, och göra informationen lätt åtkomlig för andra kan den bidra till samhällsnytta även utanför den egna verksamheten – till exempel i form av forskning eller nya produkter. Data som görs tillgänglig på detta vis kallas ”öppna data”.

Leverantören stöttar förvaltningar och bolag i staden i hur de kan tillgängliggöra sin offentliga information genom en digital plattform samt rådgivning.

För 2026 fortsätter leverantören att säkra att plattformen för publicering av öppna data är ändamålsenlig och följer de lagkrav som finns.""",
}
# "Övergripande sammanfattning … Gäller alla tre leverantörerna" (seeds/000…): in each supplier's conclusions.
ALL_THREE = """Övergripande sammanfattning, gäller alla tre leverantörerna:
- För 2026 justerar vi inga fördelningsnycklar, utan avvaktar projektet.
- Samtliga förslag till omkategorisering av tjänster avslås. Vi avvaktar eventuell beslutad reviderad riktlinje.
- Rekommendationen gäller utvecklingskostnad för 2026.
- Utveckling år 2027 och/eller framtida förvaltningskostnad tas med i årlig analys för 2027, det vill säga om ett år."""
TO_COUNCIL = (
    "Strategisk samordningsgrupp rekommenderar ekonomiska ramar för digital utveckling och förvaltning 2026 "
    "per leverantör enligt nedan, plus index som KF beslutar."
)
SLK = {
    (
        IS,
        S.FRAMING,
    ): """- Förvaltningskostnaden på Intraservice är den stora kostnaden. Årlig analys ger oss ingen fördjupning i den.
- Fördjupning i förvaltningskostnaden sker parallellt, till exempel genom dialoger mellan funktionsansvaren och Intraservice och genomgång av kalkyler för tjänsterna.
- ÅA 2026 visar på viss effektivisering i leveransen av tjänsterna och förändrade kostnader.
- Faktorer, som till exempel nya avtal, gör att kommande förvaltningskostnader ökar för tjänster och digital infrastruktur som staden redan nyttjar. Ökningen gäller 2026 och även åren framöver. Till exempel nytt avtal Microsoft och upphandlingar (HR, Ekonomi).
- Även volymökningar gör att den totala förvaltningskostnaden ökar. De är en del i köp och sälj och ska inte begränsas.
- Kostnadsökningar hos leverantörerna kommer inte alltid kunna mötas med effektiviseringar hos varken leverantörer eller stadens verksamheter. Det behöver vi ha med oss när vi prioriterar och bedömer.""",
    (
        IS,
        S.CONCLUSIONS,
    ): "Sammanställda räkenskaper, löpande medarbetarundersökning samt vissa förändringsinsatser utgår.\n\n"
    + ALL_THREE,
    (IS, S.COUNCIL_RECOMMENDATION): TO_COUNCIL
    + "\n\nRekommendation följa beredningens förslag samt ta bort HR chat bot – Strategisk samordningsgrupps "
    "rekommendation till KF.",
    (
        D,
        S.CONCLUSIONS,
    ): """- Demokrati och medborgarservice lyfter inga kommande förändringsinsatser, förslag på nya tjänster eller betydande avvikelser.
- Förslag på förändrade fördelningsnycklar kommer hanteras i ett gemensamt projekt som innefattar alla tre leverantörerna av digitala tjänster.
- SLK`s kommentar: Reflektioner från vissa förvaltningar har kommit via StratSam. Dessa förmedlas till Demokrati och medborgarservice.

"""
    + ALL_THREE,
    (D, S.COUNCIL_RECOMMENDATION): TO_COUNCIL,
    (
        U,
        S.CONCLUSIONS,
    ): """- Inköp- och upphandlingsförvaltningen föreslår en ny förändringsinsats som förväntas resultera i en ny bastjänst med lansering 2027. Eftersom nämnden har egna medel att styra över kan förstudien, 2025, genomföras utan fakturering till övriga nämnder och styrelser.
- Konkurrensutsättning av e-handelssystemet skjuts på framtiden, vilket påverkar kostnadsnivån 2026.

"""
    + ALL_THREE,
    (U, S.COUNCIL_RECOMMENDATION): TO_COUNCIL,
}
KEEP_2025 = "Tillämpa 2025 års (procentuella) fördelning av kostnader."
# "SLK kommentar" per proposal, where the deck has one (its "SLK's förslag" is the review's comment)
SLK_COMMENTS = {
    "is-ny-grundlaggande-di": "Ny tjänst, ompaketering från Stadsnätet som minskar. Dock kostnadsökningar. "
    "Ompaketeringen är i linje med att skapa ordning och reda i den digitala infrastrukturen. Ingen förändring av "
    "fördelningsnyckel 2026 pga projekt med fördelningsnycklar.",
    "is-kat-medarbetarundersokning": "Kopplat till ovan tjänst: ”den förändrade bastjänsten skapar också "
    "förutsättningar att införliva ytterligare efterfrågade funktionalitet såsom avgångsenkäter” (s.26 åa Intraservice).",
    **{f"is-nyckel-{s}": KEEP_2025 for s in ("grundlaggande-di", "lan", "telefoni", "domino")},
}


def analysis_texts() -> list[m.AnalysisText]:
    texts = [m.AnalysisText(D, section, text, note=SEED_004) for section, text in DMS.items()]
    texts += [
        m.AnalysisText(D, S.SERVICE_DEVELOPMENT, text, service=service, note=SEED_004)
        for service, text in DMS_SERVICES.items()
    ]
    texts += [m.AnalysisText(supplier, section, text, note=SEED_000) for (supplier, section), text in SLK.items()]
    texts += [
        m.AnalysisText(IS, S.PROPOSAL_COMMENT, text, proposal=code, note=SEED_000)
        for code, text in SLK_COMMENTS.items()
    ]
    return texts
