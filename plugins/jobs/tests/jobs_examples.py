"""JobPostings as the public documents publish them, for the feed's tests.

Written down from schema.org's JobPosting page (its examples 1 and 2, JSON-LD tab) and Google
Search Central's job posting structured data guide (its JSON-LD example, the salary range, and
the remote job); texts are shortened, their shapes are the documents'. Then a job board's HTML
page as boards serve them: JSON-LD blocks among the page's other markup.
"""

from __future__ import annotations

import json
from typing import Any

SCHEMA_ORG_EXAMPLE_1: dict[str, Any] = {
    "@context": "https://schema.org",
    "@type": "JobPosting",
    "baseSalary": "100000",
    "jobBenefits": "Medical, Life, Dental",
    "datePosted": "2011-10-31",
    "description": "Description: ABC Company Inc. seeks a full time mid-level software engineer "
    "to develop in-house tools.",
    "educationRequirements": "Bachelor's Degree in Computer Science, Information Systems or "
    "related fields of study.",
    "employmentType": "Full-time",
    "experienceRequirements": "Minumum 3 years experience as a software engineer",
    "incentiveCompensation": "Performance-based annual bonus plan, project-completion bonuses",
    "industry": "Computer Software",
    "jobLocation": {
        "@type": "Place",
        "address": {"@type": "PostalAddress", "addressLocality": "Kirkland", "addressRegion": "WA"},
    },
    "occupationalCategory": "15-1132.00 Software Developers, Application",
    "qualifications": "Ability to work in a team environment with members of varying skill "
    "levels. Highly motivated. Learns quickly.",
    "responsibilities": "Design and write specifications for tools for in-house customers Build "
    "tools according to specifications",
    "salaryCurrency": "USD",
    "skills": "Web application development using Java/J2EE Web application development using "
    "Python or familiarity with dynamic programming languages",
    "specialCommitments": "VeteranCommit",
    "title": "Software Engineer",
    "workHours": "40 hours per week",
}
"""No identifier, no url and no hiringOrganization; a bare baseSalary with salaryCurrency."""

SCHEMA_ORG_EXAMPLE_2: dict[str, Any] = {
    "@context": "https://schema.org/",
    "@type": "JobPosting",
    "title": "Software Engineer",
    "description": "<p>ABC Company Inc. seeks a full time mid-level software engineer to "
    "develop in-house tools.</p>",
    "datePosted": "2019-01-18",
    "validThrough": "2019-03-18T00:00",
    "employmentType": "FULL_TIME",
    "hiringOrganization": {
        "@type": "Organization",
        "name": "ABC Company Inc.",
        "sameAs": "https://www.example.com",
    },
    "jobLocation": {
        "@type": "Place",
        "address": {
            "@type": "PostalAddress",
            "streetAddress": "555 Clancy St",
            "addressLocality": "Detroit",
            "addressRegion": "MI",
            "postalCode": "48201",
            "addressCountry": "US",
        },
    },
    "baseSalary": {
        "@type": "MonetaryAmount",
        "currency": "USD",
        "value": {"@type": "QuantitativeValue", "value": 40.00, "unitText": "HOUR"},
    },
    "educationRequirements": {
        "@type": "EducationalOccupationalCredential",
        "credentialCategory": "bachelor degree",
    },
    "experienceRequirements": {
        "@type": "OccupationalExperienceRequirements",
        "monthsOfExperience": "60",
    },
    "experienceInPlaceOfEducation": True,
}
"""Google's required shape, still without an identifier or a url."""

GOOGLE_EXAMPLE: dict[str, Any] = {
    "@context": "https://schema.org/",
    "@type": "JobPosting",
    "title": "Software Engineer",
    "description": "<p>Google aspires to be an organization that reflects the globally diverse "
    "audience that our products and technology serve.</p>",
    "identifier": {"@type": "PropertyValue", "name": "Google", "value": "1234567"},
    "datePosted": "2017-01-18",
    "validThrough": "2017-03-18T00:00",
    "employmentType": "CONTRACTOR",
    "hiringOrganization": {
        "@type": "Organization",
        "name": "Google",
        "sameAs": "https://www.google.com",
        "logo": "https://www.example.com/images/logo.png",
    },
    "jobLocation": {
        "@type": "Place",
        "address": {
            "@type": "PostalAddress",
            "streetAddress": "1600 Amphitheatre Pkwy",
            "addressLocality": "Mountain View",
            "addressRegion": "CA",
            "postalCode": "94043",
            "addressCountry": "US",
        },
    },
    "baseSalary": {
        "@type": "MonetaryAmount",
        "currency": "USD",
        "value": {"@type": "QuantitativeValue", "value": 40.00, "unitText": "HOUR"},
    },
}
"""The guide's example: a zone-less midnight validThrough and an hourly wage."""

GOOGLE_SALARY_RANGE: dict[str, Any] = {
    "@type": "MonetaryAmount",
    "currency": "USD",
    "value": {
        "@type": "QuantitativeValue",
        "minValue": 40.00,
        "maxValue": 50.00,
        "unitText": "HOUR",
    },
}

GOOGLE_REMOTE: dict[str, Any] = {
    **{k: v for k, v in GOOGLE_EXAMPLE.items() if k != "jobLocation"},
    "identifier": {"@type": "PropertyValue", "name": "Google", "value": "1234568"},
    "jobLocationType": "TELECOMMUTE",
    "applicantLocationRequirements": {"@type": "Country", "name": "USA"},
}
"""The guide's work-from-home job: no jobLocation, the country applicants must live in."""

WEBSITE = {
    "@context": "https://schema.org",
    "@type": "WebSite",
    "name": "Bursa Kerja Banten",
    "url": "https://loker.example/",
}
BREADCRUMBS = {
    "@context": "https://schema.org",
    "@type": "BreadcrumbList",
    "itemListElement": [
        {"@type": "ListItem", "position": 1, "name": "Lowongan", "item": "https://loker.example/"}
    ],
}


def script(node: Any) -> str:
    """``node`` as a JSON-LD block, indented as page templates write them."""
    return f'<script type="application/ld+json">\n{json.dumps(node, indent=2)}\n</script>'


def board_page(*blocks: str, title: str = "Lowongan kerja") -> str:
    """A job board's page: its own markup, a script, a style and the given blocks."""
    return f"""<!doctype html>
<html lang="id">
<head>
  <meta charset="utf-8">
  <title>{title}</title>
  <script src="/static/app.js" defer></script>
  {script(WEBSITE)}
</head>
<body>
  <nav>Beranda › Lowongan</nav>
  {script(BREADCRUMBS)}
  <main><h1>{title}</h1><p>Lamar sekarang — gaji kompetitif.</p></main>
  {"".join(blocks)}
</body>
</html>"""
