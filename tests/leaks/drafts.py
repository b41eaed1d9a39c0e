"""Synthetic drafts for the leak-tracing tests (invented text; no real document)."""

from __future__ import annotations

CEASEFIRE = {
    "1": "The Parties shall observe a complete and comprehensive ceasefire on land, at sea "
         "and in the air, commencing at 00:00 local time on the day following signature. "
         "All offensive operations, including artillery, missile and drone strikes, shall "
         "cease at that time.",
    "2": "Within 72 hours of the ceasefire taking effect, each Party shall withdraw its heavy "
         "weapons to a distance of no less than 15 kilometres from the \"line of contact\", "
         "creating a demilitarised zone at least 30 kilometres wide. The withdrawal shall be "
         "completed in 3 phases, and each phase shall be verified before the next one begins.",
    "3": "An International Monitoring Mission, organised under the auspices of a neutral "
         "organisation acceptable to both Parties, shall be deployed to the demilitarised "
         "zone within 14 days. The Mission shall have unrestricted access to all areas, "
         "records and facilities relevant to its mandate, and the Parties shall guarantee the "
         "safety of its personnel.",
    "4": "The Parties shall exchange all prisoners of war and civilian detainees on an "
         "all-for-all basis. The exchange shall take place in 4 stages, the first of which "
         "shall be completed no later than 21 days after signature. The International "
         "Committee of the Red Cross shall be authorised to visit all places of detention "
         "prior to each stage.",
    "5": "Humanitarian corridors shall be opened in the areas listed in Annex 2 to allow the "
         "safe passage of civilians, food, medicine and fuel. The Parties recognise the right "
         "of displaced persons to return voluntarily to their homes in safety and dignity, "
         "and shall cooperate with the relevant United Nations agencies to that end.",
    "6": "A Joint Coordination Centre, composed of 5 representatives of each Party and "
         "chaired by the head of the Mission, shall meet at least twice a week in order to "
         "resolve incidents, exchange information and prevent escalation. Decisions of the "
         "Centre shall be taken by consensus and recorded in writing.",
    "7": "Foreign forces and armed formations not under the command of either Party shall "
         "leave the zone within 60 days. No new deployments of troops, armoured vehicles or "
         "air defence systems shall be made towards the line of contact during the "
         "transition period.",
    "8": "The Parties shall refrain from hostile propaganda and from any statement that "
         "could reasonably be regarded as incitement to violence. Each Party shall "
         "investigate alleged violations of international humanitarian law and shall inform "
         "the Mission of the outcome within 30 days.",
    "9": "Local elections in the affected areas shall be organised within 9 months, in "
         "accordance with national law and under international observation. The Parties "
         "shall respect the outcome and shall not use force or intimidation against voters, "
         "candidates or officials.",
    "10": "A Reconstruction Fund shall be established to finance the repair of housing, "
          "schools, hospitals and energy infrastructure. Donors are invited to contribute, "
          "and no less than 40 per cent of the Fund's resources shall be allocated to the "
          "regions most affected by the conflict during 2026–2028.",
    "11": "Economic measures adopted by third states in connection with the conflict shall "
          "be reviewed in stages, subject to the Mission's confirmation that the ceasefire "
          "is being respected. The first review shall take place 6 months after signature "
          "and shall prioritise measures affecting food and medicine.",
    "12": "Any dispute concerning the interpretation or implementation of this framework "
          "shall be referred to the Joint Coordination Centre and, failing agreement within "
          "10 days, to a panel of 3 independent experts whose recommendation the Parties "
          "undertake to consider in good faith. This framework shall enter into force upon "
          "signature and shall remain in force until it is replaced by a comprehensive "
          "settlement.",
}

RIVER = {
    "a": "The riparian States shall manage the waters of the Aldern basin as a shared "
         "resource, in a spirit of good neighbourliness and with due regard for the needs "
         "of downstream communities.",
    "b": "During the dry season, the upstream State shall release no less than 35 per cent "
         "of the natural flow measured at the Kessel gauge, averaged over 10 days.",
    "c": "A Basin Commission shall be established within 90 days, with 4 members appointed "
         "by each State and a chair chosen by consensus for a term of 2 years.",
    "d": "The Commission shall publish daily flow, storage and water-quality data, and "
         "shall maintain a joint centre for the analysis of floods, droughts and pollution.",
    "e": "No new dam, diversion or large irrigation scheme shall be authorised on the main "
         "river without prior notification to the other States and a consultation period "
         "of 6 months.",
    "f": "The States shall cooperate in order to minimise pollution from industry, "
         "agriculture and towns, and shall harmonise their standards for effluent "
         "discharges by 2030.",
    "g": "In an emergency, such as a flood, a drought or a chemical spill, the State "
         "concerned shall inform the others immediately and shall take all reasonable "
         "measures to limit the harm.",
    "h": "A Basin Fund, financed equally by the States and open to contributions from "
         "donors, shall support the programme of joint works for 2027–2031.",
    "i": "Fishing communities and farmers shall be consulted on the Commission's annual "
         "plan, and their views shall be summarised in its report to the ministers.",
    "j": "Each State shall recognise the right of the others' inspectors to visit "
         "monitoring stations on its territory upon 48 hours' notice.",
    "k": "Disputes shall first be discussed within the Commission; failing agreement "
         "within 60 days, either State may refer the matter to a panel of 3 experts, "
         "whose findings shall be binding on both.",
    "l": "This agreement shall be reviewed every 5 years and may be amended by the States "
         "by mutual consent, whilst the allocation of water in the dry season shall not "
         "fall below the level set in point b.",
}

POOL = [*CEASEFIRE.values(), *RIVER.values()]
