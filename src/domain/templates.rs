//! The built-in pipeline templates. The three examples come from the article
//! (`shared/seed/salgspipeline-artikkel.txt`): its stages in its order, with its own
//! description of each stage as guidance (nb word for word; en a faithful translation).

use super::model::{Pipeline, Stage};
use super::money::Currency;
use crate::i18n::{t, Lang};
use chrono::{DateTime, Utc};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TemplateKind {
    Startup,
    Consulting,
    Agency,
    Blank,
}

impl TemplateKind {
    pub const ALL: [TemplateKind; 4] = [
        TemplateKind::Startup,
        TemplateKind::Consulting,
        TemplateKind::Agency,
        TemplateKind::Blank,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            TemplateKind::Startup => "startup",
            TemplateKind::Consulting => "consulting",
            TemplateKind::Agency => "agency",
            TemplateKind::Blank => "blank",
        }
    }

    pub fn name(self, lang: Lang) -> &'static str {
        t(
            lang,
            match self {
                TemplateKind::Startup => "template.startup",
                TemplateKind::Consulting => "template.consulting",
                TemplateKind::Agency => "template.agency",
                TemplateKind::Blank => "template.blank",
            },
        )
    }

    pub fn stages(self) -> &'static [TemplateStage] {
        match self {
            TemplateKind::Startup => STARTUP,
            TemplateKind::Consulting => CONSULTING,
            TemplateKind::Agency => AGENCY,
            TemplateKind::Blank => BLANK,
        }
    }
}

pub struct TemplateStage {
    pub name_nb: &'static str,
    pub name_en: &'static str,
    pub guidance_nb: &'static str,
    pub guidance_en: &'static str,
    pub probability: u8,
    pub rot_days: u32,
}

impl TemplateStage {
    pub fn name(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Nb => self.name_nb,
            Lang::En => self.name_en,
        }
    }

    pub fn guidance(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Nb => self.guidance_nb,
            Lang::En => self.guidance_en,
        }
    }
}

const STARTUP: &[TemplateStage] = &[
    TemplateStage {
        name_nb: "Lead-generering",
        name_en: "Lead generation",
        guidance_nb: "Oppstarten bruker forskjellige markedsføringsstrategier for å tiltrekke potensielle kunder og generere leads.",
        guidance_en: "The startup uses various marketing strategies to attract potential customers and generate leads.",
        probability: 10,
        rot_days: 14,
    },
    TemplateStage {
        name_nb: "Kvalifisering",
        name_en: "Qualification",
        guidance_nb: "Leadsene blir deretter evaluert for å avgjøre deres nivå av interesse og tilpasning til produktet.",
        guidance_en: "The leads are then evaluated to determine their level of interest and fit with the product.",
        probability: 20,
        rot_days: 14,
    },
    TemplateStage {
        name_nb: "Demonstrasjon",
        name_en: "Demonstration",
        guidance_nb: "En produktdemonstrasjon blir gitt til interesserte kunder for å vise frem funksjonene og fordelene.",
        guidance_en: "A product demonstration is given to interested customers to show the features and benefits.",
        probability: 40,
        rot_days: 21,
    },
    TemplateStage {
        name_nb: "Forhandling",
        name_en: "Negotiation",
        guidance_nb: "Priser og vilkår diskuteres, og forhandlinger finner sted for å nå en gjensidig akseptabel avtale.",
        guidance_en: "Prices and terms are discussed, and negotiations take place to reach a mutually acceptable agreement.",
        probability: 70,
        rot_days: 14,
    },
    TemplateStage {
        name_nb: "Lukking",
        name_en: "Closing",
        guidance_nb: "Det siste trinnet der avtalen blir vellykket lukket og kunden blir en betalende kunde.",
        guidance_en: "The final step, where the deal is successfully closed and the customer becomes a paying customer.",
        probability: 90,
        rot_days: 7,
    },
];

const CONSULTING: &[TemplateStage] = &[
    TemplateStage {
        name_nb: "Første møte",
        name_en: "First meeting",
        guidance_nb: "Et første møte blir planlagt med den potensielle kunden for å forstå deres behov og mål.",
        guidance_en: "A first meeting is scheduled with the potential client to understand their needs and goals.",
        probability: 10,
        rot_days: 14,
    },
    TemplateStage {
        name_nb: "Behovsanalyse",
        name_en: "Needs analysis",
        guidance_nb: "En grundig analyse gjennomføres for å identifisere kundens spesifikke krav og utfordringer.",
        guidance_en: "A thorough analysis is carried out to identify the client's specific requirements and challenges.",
        probability: 25,
        rot_days: 21,
    },
    TemplateStage {
        name_nb: "Forslag",
        name_en: "Proposal",
        guidance_nb: "Et detaljert forslag forberedes, som skisserer den anbefalte tilnærmingen og prisen.",
        guidance_en: "A detailed proposal is prepared, outlining the recommended approach and the price.",
        probability: 50,
        rot_days: 14,
    },
    TemplateStage {
        name_nb: "Forhandling",
        name_en: "Negotiation",
        guidance_nb: "Eventuelle bekymringer eller innvendinger fra kunden adresseres, og forhandlinger finner sted for å nå en gjensidig avtale.",
        guidance_en: "Any concerns or objections from the client are addressed, and negotiations take place to reach a mutual agreement.",
        probability: 70,
        rot_days: 14,
    },
    TemplateStage {
        name_nb: "Engasjement",
        name_en: "Engagement",
        guidance_nb: "Kunden signerer kontrakten, og konsulenttjenestene blir offisielt engasjert.",
        guidance_en: "The client signs the contract, and the consulting services are officially engaged.",
        probability: 90,
        rot_days: 7,
    },
];

const AGENCY: &[TemplateStage] = &[
    TemplateStage {
        name_nb: "Lead-generering",
        name_en: "Lead generation",
        guidance_nb: "Byrået bruker ulike kanaler som innholdsmarkedsføring, sosiale medier og SEO for å generere leads.",
        guidance_en: "The agency uses various channels such as content marketing, social media and SEO to generate leads.",
        probability: 5,
        rot_days: 14,
    },
    TemplateStage {
        name_nb: "Kvalifisering",
        name_en: "Qualification",
        guidance_nb: "Leadsene vurderes basert på deres behov og budsjett for å avgjøre om de passer for byråets tjenester.",
        guidance_en: "The leads are assessed on their needs and budget to determine whether they fit the agency's services.",
        probability: 15,
        rot_days: 14,
    },
    TemplateStage {
        name_nb: "Strategiutvikling",
        name_en: "Strategy development",
        guidance_nb: "En tilpasset digital markedsføringsstrategi utvikles for å møte klientens mål og målsettinger.",
        guidance_en: "A tailored digital marketing strategy is developed to meet the client's goals and objectives.",
        probability: 30,
        rot_days: 21,
    },
    TemplateStage {
        name_nb: "Presentasjon",
        name_en: "Presentation",
        guidance_nb: "Strategien presenteres for klienten, med fremhevelse av de forventede resultatene og byråets ekspertise.",
        guidance_en: "The strategy is presented to the client, highlighting the expected results and the agency's expertise.",
        probability: 50,
        rot_days: 14,
    },
    TemplateStage {
        name_nb: "Kontraktsforhandling",
        name_en: "Contract negotiation",
        guidance_nb: "Priser og vilkår diskuteres, og forhandlinger finner sted for å nå en avtale.",
        guidance_en: "Prices and terms are discussed, and negotiations take place to reach an agreement.",
        probability: 75,
        rot_days: 14,
    },
    TemplateStage {
        name_nb: "Onboarding",
        name_en: "Onboarding",
        guidance_nb: "Når kontrakten er signert, blir klienten onboardet av byrået, og implementeringen av den avtalte strategien begynner.",
        guidance_en: "Once the contract is signed, the client is onboarded by the agency, and implementation of the agreed strategy begins.",
        probability: 90,
        rot_days: 7,
    },
];

/// A blank pipeline still needs somewhere to put a first deal: one stage, to be renamed.
const BLANK: &[TemplateStage] = &[TemplateStage {
    name_nb: "Ny",
    name_en: "New",
    guidance_nb: "",
    guidance_en: "",
    probability: 10,
    rot_days: 14,
}];

/// Builds a pipeline from a template in a language. `new_id` is called once for the
/// pipeline, then once per stage.
pub fn pipeline_from_template(
    kind: TemplateKind,
    lang: Lang,
    name: &str,
    currency: Currency,
    now: DateTime<Utc>,
    new_id: &mut dyn FnMut() -> String,
) -> Pipeline {
    let id = new_id().into();
    let stages = kind
        .stages()
        .iter()
        .map(|stage| Stage {
            id: new_id().into(),
            name: stage.name(lang).to_string(),
            guidance: stage.guidance(lang).to_string(),
            probability: stage.probability,
            rot_days: stage.rot_days,
        })
        .collect();
    Pipeline {
        id,
        name: name.to_string(),
        currency,
        stages,
        created_at: now,
    }
}
