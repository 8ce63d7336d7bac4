"""The generator's fixed vocabulary: segments, mixes, names, comments and event scale."""

from __future__ import annotations

import numpy as np

# --- segments ------------------------------------------------------------------------------
TIERS = np.array(["starter", "growth", "enterprise"])
TIER_MIX = [0.5, 0.35, 0.15]
TIER_USERS = np.array([0.5, 1.0, 2.5])  # x users_per_account
TIER_TICKETS = np.array([0.6, 1.0, 2.0])  # ticket volume factor
TIER_ARR = np.array([[5e3, 15e3], [20e3, 80e3], [100e3, 500e3]])  # USD, log-uniform
TIER_HEALTH = np.array([-2.0, 0.0, 4.0])  # enterprise is a little healthier on average
SIZE_BANDS = np.array(["smb", "mid", "large"])
SIZE_BY_TIER = np.array([[0.8, 0.2, 0.0], [0.25, 0.6, 0.15], [0.0, 0.2, 0.8]])
REGIONS = np.array(["amer", "emea", "apac"])
REGION_MIX = [0.5, 0.35, 0.15]
REGION_PEAK_UTC = np.array([18.0, 12.0, 4.0])  # busiest hour of the working day, in UTC
CURRENCIES = np.array(["USD", "EUR", "GBP"])
CURRENCY_BY_REGION = np.array([[1.0, 0.0, 0.0], [0.15, 0.55, 0.30], [1.0, 0.0, 0.0]])
FX_FROM_USD = np.array([1.0, 0.92, 0.79])
INDUSTRIES = np.array(
    [
        "software",
        "fintech",
        "healthcare",
        "retail",
        "manufacturing",
        "education",
        "media",
        "logistics",
        "professional_services",
        "public_sector",
    ]
)
FEATURES = np.array(
    [
        "login",
        "dashboard_view",
        "search",
        "report_view",
        "report_export",
        "alert_create",
        "workflow_run",
        "integration_sync",
        "api_call",
        "admin_settings",
    ]
)
ROLES = np.array(["admin", "champion", "executive", "user"])


def _words(text: str) -> np.ndarray:
    return np.array(text.split())


# --- names ---------------------------------------------------------------------------------
FIRST_NAMES = _words(
    "Ada Alan Amara Ana Andre Anika Ben Bianca Carlos Chen Chloe Dana David Diego Elena Emma "
    "Farah Felix Grace Hana Hugo Ines Isaac Ivan Jade James Jonas Julia Kai Kenji Lara Leo Lina "
    "Lucas Maya Mei Mia Nadia Noah Nora Olga Omar Oscar Paula Priya Rafael Rosa Sam Sara Sofia "
    "Tariq Theo Uma Victor Wen Yara Yusuf Zoe Liam Aisha"
)
LAST_NAMES = _words(
    "Abbott Adams Alvarez Baker Becker Brown Campbell Chen Costa Dubois Evans Fischer Garcia "
    "Gomez Green Hansen Hughes Ibrahim Ito Jensen Jones Kaur Khan Kim Klein Kowalski Lambert "
    "Larsen Lee Lopez Martin Meyer Moreau Murphy Nakamura Nguyen Novak Okafor Olsen Patel "
    "Perez Petrov Quinn Rossi Sato Schmidt Silva Singh Smith Suzuki Tanaka Taylor Walker Wang "
    "Weber Williams Wilson Wright Young Zhang"
)
NAME_PREFIXES = _words(
    "Acme Apex Arc Atlas Aurora Beacon Birch Blue Bright Cedar Clear Cobalt Coral Crest Delta "
    "Echo Ember Evergreen Falcon First Forge Golden Granite Harbor Horizon Indigo Iron Juniper "
    "Keystone Lumen Maple Meridian Metro Nimbus North Nova Oak Orbit Pacific Peak Pine Pioneer "
    "Prairie Quantum Red River Sage Silver Solar Spring Stellar Summit Swift Terra Titan True "
    "Union Vertex Vista West Willow Zenith"
)
NAME_NOUNS = _words(
    "Analytics Bakery Bank Bio Brands Capital Cloud Data Design Dynamics Energy Foods Freight "
    "Health Holdings Industries Insights Labs Learning Logistics Media Medical Metrics Mobility "
    "Networks Outfitters Pharma Retail Robotics Security Software Solutions Studios Supply "
    "Systems Telecom Textiles Therapeutics Travel Ventures Works"
)
NAME_FORMS = np.array(["Inc", "LLC", "Ltd", "GmbH", "Group", "Co", "plc", "SA", "BV", "AG"])
TLDS = np.array(["com", "io", "co", "net"])

COMMENTS = {
    "positive": [
        "Great product, our team uses it every day.",
        "Support was fast and friendly.",
        "The new dashboards are exactly what we needed!",
        'Our CFO called it "the best tool we bought this year".',
        "Onboarding was smooth; <b>thank you</b> to the team.",
        "Love the integrations, it's saved us hours each week.",
    ],
    "neutral": [
        "It does the job.",
        "Works fine, a few reports are slow.",
        "Would like more export options.",
        "OK overall; documentation could be clearer.",
        "Pricing is a bit high for what we use.",
    ],
    "negative": [
        "Too many bugs lately.",
        "We are evaluating alternatives.",
        "Support took days to answer an urgent ticket.",
        "The <b>outage</b> last week hurt our team badly.",
        "Hard to use; our users don't log in anymore.",
        'Billing charged us twice; "unacceptable".',
    ],
}
OVERRIDE_REASONS = np.array(
    [
        "Executive sponsor left the company",
        "Strong renewal signals from the champion",
        "Acquisition in progress; usage will drop temporarily",
        "Budget freeze announced on QBR",
        "Expansion deal in negotiation",
        "Escalation resolved, relationship recovered",
        "Seasonal business, low usage is expected",
        "Competitor evaluation confirmed by champion",
    ]
)

EVENT_SCALE = 1.8  # ~27 events per (accounts x days), i.e. ~100M at 10,000 x 365
EVENT_CHUNK_ROWS = 3_000_000
