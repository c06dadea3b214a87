"""The standard catalogue of service areas and IT capabilities, as plain data. No Django imports.

Loaded into the database by migration 0002 (through `loader.load_standard_catalogue`), and again
whenever it grows, by a later migration calling the same loader: the loader adds what is missing
and updates definitions, and never removes what a consortium may already refer to.

Synonyms are abbreviations, common phrasing and well-known product names. A product name belongs
here only if it identifies one area on its own ("Laserfiche" is document management; "Tyler" or
"OpenGov" sell into many areas and are left out). Each normalised synonym is unique across the
catalogue; tests/taxonomy/test_catalogue.py checks it.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CATALOGUE", "StandardArea"]

SERVICE = "service"
CAPABILITY = "capability"


@dataclass(frozen=True)
class StandardArea:
    """One area of the standard catalogue."""

    code: str
    name: str
    kind: str
    definition: str
    synonyms: tuple[str, ...]


CATALOGUE: tuple[StandardArea, ...] = (
    StandardArea(
        "council-agenda",
        "Council and agenda management",
        SERVICE,
        "Preparing, publishing and archiving the business of the governing body and its boards and "
        "commissions: agenda items and packets, notices of meetings, minutes, votes, resolutions and "
        "ordinances, and live or recorded video of meetings. Usually run by the town or city clerk.",
        (
            "agenda management",
            "council management",
            "meeting management",
            "board management",
            "agenda and minutes",
            "meeting minutes",
            "legislative management",
            "clerk's office",
            "Granicus",
            "Legistar",
            "iCompass",
            "eSCRIBE",
            "BoardDocs",
            "CivicClerk",
            "NovusAGENDA",
            "PrimeGov",
            "Municode Meetings",
        ),
    ),
    StandardArea(
        "financial-erp",
        "Financial management / ERP",
        SERVICE,
        "The municipality's books and the enterprise resource planning system around them: general "
        "ledger, budgeting, accounts payable and receivable, cash management, utility and tax billing "
        "integration, fixed-asset accounting and financial reporting to councils and auditors.",
        (
            "ERP",
            "enterprise resource planning",
            "financial management",
            "financial system",
            "finance",
            "general ledger",
            "accounting",
            "accounts payable",
            "accounts receivable",
            "budgeting",
            "fund accounting",
            "Munis",
            "Tyler Munis",
            "New World ERP",
            "Caselle",
            "Edmunds GovTech",
            "Springbrook",
            "Dynamics GP",
            "QuickBooks",
            "Diamond Municipal Solutions",
            "Vadim",
            "Bellamy",
        ),
    ),
    StandardArea(
        "hr-payroll",
        "Human resources and payroll",
        SERVICE,
        "Managing the workforce from hiring to retirement: recruitment, employee records, positions, "
        "collective agreements, benefits and pensions, time and attendance, and paying employees "
        "accurately with the required withholdings and year-end reporting.",
        (
            "HR",
            "human resources",
            "payroll",
            "HRIS",
            "HCM",
            "human capital management",
            "time and attendance",
            "timekeeping",
            "benefits administration",
            "recruiting",
            "applicant tracking",
            "ADP",
            "Paychex",
            "Kronos",
            "UKG",
            "Ceridian Dayforce",
            "Paycom",
            "NEOGOV",
        ),
    ),
    StandardArea(
        "asset-management",
        "Asset management",
        SERVICE,
        "Knowing what infrastructure the municipality owns — roads, water and sewer mains, storm "
        "drains, bridges, equipment — its condition and its risk, and planning and recording its "
        "maintenance through work orders, so capital plans rest on evidence.",
        (
            "EAM",
            "enterprise asset management",
            "CMMS",
            "computerized maintenance management",
            "work orders",
            "work order management",
            "infrastructure asset management",
            "maintenance management",
            "capital planning",
            "Cityworks",
            "Lucity",
            "Cartegraph",
            "Brightly",
            "Maximo",
            "PSD Citywide",
        ),
    ),
    StandardArea(
        "facilities",
        "Facilities",
        SERVICE,
        "Operating and maintaining the municipality's buildings — town halls, libraries, public "
        "works garages, community centres — including preventive maintenance, custodial services, "
        "energy use, building systems and the scheduling of space.",
        (
            "facilities management",
            "facility maintenance",
            "building maintenance",
            "buildings and grounds",
            "public buildings",
            "custodial services",
            "energy management",
            "space management",
            "IWMS",
            "FMX",
            "SchoolDude",
        ),
    ),
    StandardArea(
        "fleet",
        "Fleet",
        SERVICE,
        "Acquiring, fuelling, maintaining and disposing of municipal vehicles and heavy equipment, "
        "including the garage's work orders and parts, fuel management, vehicle tracking and "
        "replacement planning.",
        (
            "fleet management",
            "fleet maintenance",
            "vehicle maintenance",
            "vehicles",
            "motor pool",
            "fuel management",
            "vehicle tracking",
            "AVL",
            "automatic vehicle location",
            "FASTER Web",
            "AssetWorks",
            "Fleetio",
        ),
    ),
    StandardArea(
        "permitting-inspections",
        "Permitting and inspections",
        SERVICE,
        "Taking, reviewing and issuing building, zoning, land-use and other permits, scheduling and "
        "recording inspections, and enforcing codes, with the fees, plans and certificates of "
        "occupancy that go with them.",
        (
            "permitting",
            "permits",
            "building permits",
            "inspections",
            "building inspections",
            "code enforcement",
            "land use",
            "planning and zoning",
            "community development",
            "land management",
            "EnerGov",
            "Tyler EnerGov",
            "ViewPoint Cloud",
            "Accela",
            "CityView",
            "iWorQ",
            "SmartGov",
            "Cloudpermit",
            "Municity",
        ),
    ),
    StandardArea(
        "licensing",
        "Licensing",
        SERVICE,
        "Issuing and renewing licences the municipality grants or sells on behalf of the state or "
        "province: dog and pet licences, business licences, fishing and hunting (sporting) "
        "licences, liquor and peddler licences, with their fees and renewal reminders.",
        (
            "licenses",
            "dog licensing",
            "dog licenses",
            "pet licensing",
            "business licensing",
            "business licenses",
            "fishing licenses",
            "hunting licenses",
            "fishing and hunting licenses",
            "sporting licenses",
            "liquor licenses",
            "DocuPet",
            "PetData",
        ),
    ),
    StandardArea(
        "edms-records",
        "Electronic document management and records",
        CAPABILITY,
        "Capturing, storing, finding and retaining the municipality's documents and records "
        "electronically: scanning and imaging, metadata and search, workflows, retention schedules "
        "and legal holds, land records, and answering records requests.",
        (
            "EDMS",
            "EDRMS",
            "ECM",
            "enterprise content management",
            "document management",
            "electronic document management",
            "records management",
            "records retention",
            "document imaging",
            "scanning",
            "land records",
            "Laserfiche",
            "OnBase",
            "Hyland OnBase",
            "M-Files",
            "OpenText",
            "Questys",
            "Cott Systems",
        ),
    ),
    StandardArea(
        "email-archiving",
        "E-mail archiving",
        CAPABILITY,
        "Keeping a complete, tamper-evident copy of every e-mail sent and received, for as long as "
        "records law requires, and searching it quickly for freedom-of-information requests, "
        "litigation holds and e-discovery.",
        (
            "email archive",
            "mail archiving",
            "email retention",
            "message archiving",
            "e-discovery",
            "email journaling",
            "Mimecast",
            "Barracuda Message Archiver",
            "Smarsh",
            "ArcMail",
            "Proofpoint Archive",
            "Microsoft Purview",
        ),
    ),
    StandardArea(
        "crm-citizen-requests",
        "CRM / citizen requests",
        CAPABILITY,
        "Receiving, routing and answering residents' requests and complaints — potholes, missed "
        "trash pick-ups, streetlights — from the web, a phone line or a mobile app, tracking them "
        "to resolution and reporting on response times.",
        (
            "CRM",
            "311",
            "citizen requests",
            "citizen request management",
            "service requests",
            "resident requests",
            "constituent relationship management",
            "customer relationship management",
            "report a concern",
            "SeeClickFix",
            "QAlert",
            "PublicStuff",
            "Citizen Request Tracker",
            "Comcate",
        ),
    ),
    StandardArea(
        "it-helpdesk",
        "IT help desk",
        CAPABILITY,
        "Supporting municipal staff with their computers, phones and applications: a single point "
        "of contact, ticket tracking, desktop support, user accounts and passwords, and service "
        "levels for response and resolution.",
        (
            "help desk",
            "helpdesk",
            "service desk",
            "IT support",
            "IT ticketing",
            "ticketing system",
            "IT service management",
            "ITSM",
            "desktop support",
            "technical support",
            "Spiceworks",
            "Freshservice",
            "ServiceNow",
            "Zendesk",
            "ConnectWise",
            "Jira Service Management",
            "SysAid",
        ),
    ),
    StandardArea(
        "online-payments",
        "Online payments",
        CAPABILITY,
        "Letting residents and businesses pay taxes, utility bills, permits, licences and "
        "program fees by card or bank transfer on the web or by phone, with payments posted "
        "automatically to the municipality's receivables.",
        (
            "online payments",
            "e-payments",
            "payment portal",
            "online bill pay",
            "electronic payments",
            "credit card processing",
            "payment processing",
            "merchant services",
            "Invoice Cloud",
            "Paymentus",
            "Point & Pay",
            "Official Payments",
            "Kubra",
        ),
    ),
    StandardArea(
        "property-assessment",
        "Property assessment (CAMA)",
        SERVICE,
        "Valuing every property in the municipality for taxation with a computer-assisted mass "
        "appraisal (CAMA) system: property characteristics, sales analysis, revaluations, the "
        "assessment roll or grand list, and appeals.",
        (
            "CAMA",
            "computer assisted mass appraisal",
            "mass appraisal",
            "property assessment",
            "assessment",
            "assessor",
            "property valuation",
            "revaluation",
            "grand list",
            "assessment roll",
            "Vision Appraisal",
            "Vision Government Solutions",
            "VGSI",
            "Patriot Properties",
            "AssessPro",
            "iasWorld",
            "CAMAlot",
        ),
    ),
    StandardArea(
        "gis-signs",
        "GIS and sign inventory",
        CAPABILITY,
        "Maps and spatial data for the whole municipality — parcels, zoning, utilities, addresses, "
        "aerial imagery — and the inventory of street and traffic signs with their location, "
        "condition and retroreflectivity that federal rules require.",
        (
            "GIS",
            "geographic information system",
            "mapping",
            "maps",
            "web maps",
            "parcel maps",
            "sign inventory",
            "sign management",
            "street signs",
            "traffic signs",
            "sign retroreflectivity",
            "ArcGIS",
            "ArcGIS Online",
            "AGOL",
            "Esri",
            "QGIS",
            "AxisGIS",
            "MapGeo",
            "CAI Technologies",
        ),
    ),
    StandardArea(
        "recreation-registration",
        "Recreation registration",
        SERVICE,
        "Signing residents up for parks and recreation programs, camps, leagues and classes, "
        "booking fields, pavilions and rooms, selling passes and memberships, and taking the fees "
        "online.",
        (
            "rec registration",
            "parks and recreation",
            "program registration",
            "activity registration",
            "camp registration",
            "facility bookings",
            "facility reservations",
            "CivicRec",
            "RecDesk",
            "ActiveNet",
            "PerfectMind",
            "RecTrac",
            "Vermont Systems",
            "MyRec",
            "Amilia",
            "CommunityPass",
        ),
    ),
    StandardArea(
        "hosting",
        "Server and storage hosting",
        CAPABILITY,
        "Running the servers and storage that municipal applications and files live on — in a "
        "shared data centre, by colocation or in the cloud — including virtualisation, patching, "
        "capacity and the network that reaches it.",
        (
            "server hosting",
            "storage hosting",
            "data center",
            "colocation",
            "virtual servers",
            "server virtualization",
            "cloud hosting",
            "infrastructure as a service",
            "IaaS",
            "file servers",
            "storage area network",
            "VMware",
            "Hyper-V",
            "Microsoft Azure",
            "Amazon Web Services",
            "AWS",
        ),
    ),
    StandardArea(
        "dr-backup",
        "Disaster recovery and backup",
        CAPABILITY,
        "Copying data and systems regularly to a safe place, off site and out of reach of "
        "ransomware, and being able to restore them — and keep essential services running — after "
        "a failure, a cyber attack or a disaster, within agreed recovery times.",
        (
            "DR",
            "disaster recovery",
            "backup",
            "backup and recovery",
            "business continuity",
            "offsite backup",
            "cloud backup",
            "BCDR",
            "Veeam",
            "Datto",
            "Rubrik",
            "Commvault",
            "Barracuda Backup",
            "Acronis",
            "Druva",
        ),
    ),
    StandardArea(
        "business-intelligence",
        "Business intelligence",
        CAPABILITY,
        "Turning the municipality's operational data into reports, dashboards and performance "
        "measures for managers, councils and the public, from a data warehouse or directly from "
        "the source systems, including open data portals.",
        (
            "BI",
            "analytics",
            "data analytics",
            "dashboards",
            "reporting",
            "data warehouse",
            "performance management",
            "open data",
            "Power BI",
            "Tableau",
            "Qlik",
            "Socrata",
            "Crystal Reports",
        ),
    ),
    StandardArea(
        "procurement",
        "Procurement",
        SERVICE,
        "Buying goods, services and construction fairly and within the law: requisitions and "
        "purchase orders, bids, requests for proposals and tenders, evaluation, awards, contracts "
        "and vendor records, including cooperative purchasing with other public bodies.",
        (
            "purchasing",
            "bids",
            "bidding",
            "e-procurement",
            "solicitations",
            "RFP",
            "tenders",
            "tendering",
            "contract management",
            "vendor management",
            "cooperative purchasing",
            "purchase orders",
            "Bonfire",
            "BidNet Direct",
            "Periscope",
            "DemandStar",
            "Alberta Purchasing Connection",
            "CTsource",
        ),
    ),
    StandardArea(
        "website",
        "Website",
        CAPABILITY,
        "The municipality's public website: news and notices, department pages, forms, calendars "
        "and alerts, kept accessible and up to date by staff through a content management system.",
        (
            "web site",
            "municipal website",
            "town website",
            "city website",
            "web content management",
            "CMS",
            "content management system",
            "CivicPlus",
            "CivicEngage",
            "govAccess",
            "Revize",
            "Drupal",
            "WordPress",
            "Virtual Town Hall",
        ),
    ),
)
