"""The ETP as the report describes it (section numbers point into the report)."""

from __future__ import annotations

from openpmo.accounts.roles import Role

SOURCE = (
    "Technology Services Enabling Technology Programme – Resourcing the Programme Team, "
    "Cabinet Member decision FP/527/10/22, 28 September 2022"
)

PROGRAMME = {
    "name": "Enabling Technology Programme",
    "short_name": "ETP",
    "organisation": "Essex County Council – Technology Services",
    "description": (
        "Six pillars of enabling technology, about 200 work packages condensed into 22 strands, "
        "delivered over three years through a core programme team and a hybrid mix of in-house and "
        "partner resources (§1.4, §5.4)."
    ),
}

# §4.10: the strategic priorities of 'Everyone's Essex' the report links to.
STRATEGIC_PRIORITIES = [
    "A strong, inclusive, and sustainable economy",
    "Health wellbeing and independence for all ages",
]

# Demo people. The sign-ins tell one story: Hannah manages work packages in the two pillars
# Daniel sponsors; Priya and Tom are the PMO (one submits, the other approves: separation of
# duties); Ruth chairs the investment board and approves its pack; Graham is Finance; the
# Cabinet Member approves drawdowns; Sam reads everything. The rest of the core team of Table 1
# own work packages and sponsor pillars but do not sign in. Names are invented.
PEOPLE = [
    # username, first, last, job title, roles, can sign in
    ("pmo", "Priya", "Shah", "PMO Manager", [Role.PMO], True),
    ("pmo-officer", "Tom", "Barker", "Project Support Officer", [Role.PMO], True),
    ("sponsor", "Daniel", "Okafor", "Change and Delivery Manager", [Role.PILLAR_SPONSOR], True),
    ("wp-manager", "Hannah", "Lewis", "TS Business Analyst", [Role.WORK_PACKAGE_MANAGER], True),
    ("finance", "Graham", "Price", "Finance Business Partner", [Role.FINANCE], True),
    (
        "board-chair",
        "Ruth",
        "Adeyemi",
        "Chair, Enabling Technology Board",
        [Role.BOARD_MEMBER],
        True,
    ),
    (
        "decision-maker",
        "Cabinet",
        "Member",
        "Cabinet Member for Finance, Resources and Corporate Affairs",
        [Role.DECISION_MAKER],
        True,
    ),
    ("viewer", "Sam", "Turner", "Internal Auditor", [Role.VIEWER], True),
    ("analyst-2", "Aisha", "Khan", "TS Business Analyst", [Role.WORK_PACKAGE_MANAGER], False),
    ("architect", "Martin", "Hughes", "Enterprise Architect", [Role.WORK_PACKAGE_MANAGER], False),
    ("sponsor-2", "Claire", "Bennett", "Change and Delivery Manager", [Role.PILLAR_SPONSOR], False),
    ("sponsor-3", "Joseph", "Ward", "Change and Delivery Manager", [Role.PILLAR_SPONSOR], False),
    ("resource-manager", "Fiona", "Clarke", "Resource Manager", [Role.WORK_PACKAGE_MANAGER], False),
    ("delivery-lead-1", "Ben", "Carter", "Project Manager", [Role.WORK_PACKAGE_MANAGER], False),
    ("delivery-lead-2", "Nadia", "Rahman", "Project Manager", [Role.WORK_PACKAGE_MANAGER], False),
    ("delivery-lead-3", "Owen", "Fletcher", "Project Manager", [Role.WORK_PACKAGE_MANAGER], False),
    ("delivery-lead-4", "Grace", "Mensah", "Project Manager", [Role.WORK_PACKAGE_MANAGER], False),
]

# What to try first as each person who signs in (printed by ``make run``).
TRY_FIRST = {
    "pmo": "quality-assure the waiting gate requests; draft and submit this month's board pack",
    "pmo-officer": "approve what Priya submitted (who submits cannot approve)",
    "sponsor": "approve the highlight reports of your two pillars",
    "wp-manager": "record last month's benefit actual, write a highlight report, ask for a gate",
    "finance": "read the reserve's balance and headroom; record a month's spend",
    "board-chair": "approve the board pack the PMO submitted",
    "decision-maker": "decide a forwarded gate request and release money from the reserve",
    "viewer": "read anything: the register, the Gantt chart, the board pack as PDF or Excel",
}

# §3.7: the six pillars and their objectives, word for word. Sponsors are illustrative: the
# report has three Change and Delivery Managers (Table 1) sponsoring pillars (§3.20).
PILLARS = [
    (
        "Automation and Efficiency",
        "One platform for the whole organisation to handle repetitive tasks and automate data transactions",
        "sponsor",
    ),
    (
        "Technology for Collaboration",
        "To connect Essex and its partners to make them more productive and efficient",
        "sponsor-2",
    ),
    (
        "Citizen Engagement",
        "Ensure customer can find and discover anything they need to access services to support and "
        "enrich their lives.",
        "sponsor-2",
    ),
    (
        "Innovation and Improvement",
        "To provide the organisation with the right technology to support innovation and continuous "
        "improvement",
        "sponsor-3",
    ),
    (
        "Platforms for Data",
        "To organise our information and make it accessible and useful",
        "sponsor",
    ),
    (
        "Renewing our technology",
        "Providing the best user experience for ECC employees",
        "sponsor-3",
    ),
]

# Strands named in §3.1 and Appendix 1 (16 of the report's 22; the report does not name the
# rest). Which pillar each belongs to is illustrative. "underway" marks Appendix 1's projects
# already in progress: "complete" would have to complete without the ETP, "terminate" would stop.
STRANDS = [
    # pillar, strand, code, description, Appendix 1 status
    (
        "Automation and Efficiency",
        "Contact Strategy and integration platforms",
        "CONT",
        "Integrating and automation platforms to connect data and process from our systems to key "
        "suppliers (including Capita and Mosaic)",
        "terminate",
    ),
    ("Automation and Efficiency", "SSCP", "SSCP", "A very large project named in §3.1", ""),
    (
        "Technology for Collaboration",
        "Office 365 roadmap",
        "O365",
        "Maximise our investment and keep up to date with the Microsoft products we pay for",
        "terminate",
    ),
    (
        "Technology for Collaboration",
        "Microsoft 365 External Federation and Controls",
        "M365F",
        "",
        "terminate",
    ),
    ("Technology for Collaboration", "Ways of Working phase 2", "WOW", "", "terminate"),
    (
        "Citizen Engagement",
        "Digital Platforms",
        "DIGI",
        "Re-platform the internet and intranet",
        "complete",
    ),
    (
        "Citizen Engagement",
        "Community Engagement, Internet of Things and Citizen Personalisation",
        "CEIOT",
        "An innovative approach to supporting citizens, including work to change demand levels on social care",
        "terminate",
    ),
    (
        "Innovation and Improvement",
        "Innovation activity, including RPA",
        "INNOV",
        "Robotic process automation and other innovation",
        "terminate",
    ),
    (
        "Innovation and Improvement",
        "Strategic Sourcing and Innovation Pathway",
        "SSIP",
        "Joint project with Procurement: a mature model for sourcing and delivering innovation through a "
        "network of global suppliers and SME businesses",
        "terminate",
    ),
    (
        "Platforms for Data",
        "Data Hub",
        "DATA",
        "Platforms, capabilities and skills to deliver ECC's Data Strategy: a new, modern approach to "
        "sourcing, processing, storing and reporting on all forms of data",
        "terminate",
    ),
    ("Platforms for Data", "GIS modernisation", "GIS", "", "terminate"),
    (
        "Renewing our technology",
        "End User Devices",
        "EUD",
        "A very large project named in §3.1",
        "",
    ),
    (
        "Renewing our technology",
        "Network and Voice",
        "NAV",
        "Mobiles, telephony, network and contact centre tooling",
        "complete",
    ),
    (
        "Renewing our technology",
        "Social Care Platform",
        "SCP",
        "Due to the end of the Mosaic contract",
        "complete",
    ),
    (
        "Renewing our technology",
        "Future Cloud Strategy",
        "CLOUD",
        "Drive down costs, remain resilient and explore our approach to being a multi-cloud customer",
        "terminate",
    ),
    ("Renewing our technology", "Education System Replacement Programme", "EDU", "", "terminate"),
]

# Six strands the report does not name (it names 16 of its 22): illustrative, one per pillar.
ILLUSTRATIVE_STRANDS = [
    (
        "Automation and Efficiency",
        "Intelligent document processing",
        "IDP",
        "Reading forms and letters into case systems without retyping",
    ),
    (
        "Technology for Collaboration",
        "Partner collaboration spaces",
        "PCS",
        "Shared workspaces with the NHS, districts and providers",
    ),
    (
        "Citizen Engagement",
        "Customer accounts and notifications",
        "CUST",
        "One account for residents, with updates by text and email",
    ),
    (
        "Innovation and Improvement",
        "Assistive technology in social care",
        "ATSC",
        "Sensors and apps that help people live independently at home",
    ),
    (
        "Platforms for Data",
        "Master data and records management",
        "MDM",
        "One record of people, places and organisations; retention by policy",
    ),
    (
        "Renewing our technology",
        "Cyber security and resilience",
        "CYBER",
        "Security operations, backup and recovery, Public Services Network compliance",
    ),
]

# The work packages the demo names by hand (the rest are generated, see ``generate.py``):
# (strand code, name, stage, rag, confidence, owner, budget £, first month, last month), months
# counted from the start of delivery (negative: started before it). All illustrative.
NAMED_WORK_PACKAGES = [
    (
        "CONT",
        "Integration platform discovery",
        "obc",
        "amber",
        "amber",
        "wp-manager",
        350000,
        1,
        24,
    ),
    (
        "CONT",
        "Capita and Mosaic process automation",
        "discovery",
        "green",
        "amber_green",
        "analyst-2",
        220000,
        6,
        17,
    ),
    ("SSCP", "SSCP technology enablement", "fbc", "amber", "amber", "architect", 1200000, 3, 26),
    (
        "O365",
        "Microsoft 365 adoption and licence optimisation",
        "delivery",
        "green",
        "green",
        "delivery-lead-1",
        480000,
        0,
        23,
    ),
    (
        "O365",
        "Teams telephony readiness",
        "obc",
        "amber",
        "amber_green",
        "analyst-2",
        150000,
        4,
        20,
    ),
    (
        "M365F",
        "External federation and information controls",
        "soc",
        "green",
        "amber_green",
        "architect",
        90000,
        3,
        20,
    ),
    (
        "WOW",
        "Ways of Working phase 2 rollout",
        "discovery",
        "",
        "",
        "delivery-lead-1",
        260000,
        8,
        27,
    ),
    (
        "DIGI",
        "Re-platform the internet (essex.gov.uk)",
        "delivery",
        "amber",
        "amber",
        "delivery-lead-2",
        900000,
        -6,
        21,
    ),
    (
        "DIGI",
        "Re-platform the intranet",
        "delivery",
        "green",
        "amber_green",
        "analyst-2",
        420000,
        -1,
        24,
    ),
    (
        "CEIOT",
        "Internet of Things pilots for social care",
        "soc",
        "amber",
        "amber_red",
        "architect",
        300000,
        3,
        26,
    ),
    ("CEIOT", "Citizen personalisation", "discovery", "", "", "analyst-2", 180000, 6, 29),
    (
        "INNOV",
        "Robotic process automation platform",
        "obc",
        "green",
        "amber_green",
        "delivery-lead-3",
        400000,
        1,
        26,
    ),
    (
        "SSIP",
        "Innovation sourcing pathway with Procurement",
        "soc",
        "green",
        "green",
        "resource-manager",
        120000,
        3,
        20,
    ),
    ("DATA", "Data Hub platform", "fbc", "amber", "amber", "architect", 2100000, 2, 35),
    (
        "DATA",
        "Data skills and literacy",
        "discovery",
        "green",
        "amber_green",
        "wp-manager",
        150000,
        6,
        23,
    ),
    ("GIS", "GIS platform modernisation", "obc", "red", "amber_red", "architect", 550000, 3, 26),
    (
        "EUD",
        "End user device refresh",
        "delivery",
        "amber",
        "amber",
        "resource-manager",
        3200000,
        0,
        29,
    ),
    (
        "NAV",
        "Mobile contract and devices",
        "delivery",
        "green",
        "green",
        "resource-manager",
        800000,
        -6,
        20,
    ),
    (
        "NAV",
        "Network refresh (WAN and LAN)",
        "delivery",
        "amber",
        "amber",
        "architect",
        1900000,
        -6,
        29,
    ),
    (
        "NAV",
        "Contact centre tooling",
        "fbc",
        "amber",
        "amber_red",
        "delivery-lead-4",
        700000,
        0,
        23,
    ),
    (
        "SCP",
        "Social care platform replacement (Mosaic contract end)",
        "delivery",
        "red",
        "amber_red",
        "analyst-2",
        2500000,
        -6,
        35,
    ),
    (
        "CLOUD",
        "Future Cloud Strategy and landing zone",
        "obc",
        "green",
        "amber_green",
        "architect",
        650000,
        1,
        26,
    ),
    (
        "EDU",
        "Education system replacement",
        "soc",
        "amber",
        "amber",
        "resource-manager",
        1100000,
        6,
        35,
    ),
]
