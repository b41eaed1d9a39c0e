"""The workbench pages every browser test visits: (screenshot name, path, heading)."""

UA = "ukraine-2025"
HARBOUR = "harbour-teaching"

PAGES = [
    ("index", "/web/", "Scenarios"),
    ("scenario-ukraine", f"/web/scenarios/{UA}", "Ukraine 2025"),
    ("plan-ukraine", f"/web/scenarios/{UA}/plan", "Plan editor"),
    ("compare-ukraine", f"/web/scenarios/{UA}/compare", "Compare drafts"),
    ("analysis-ukraine", f"/web/scenarios/{UA}/analysis", "Analysis"),
    ("simulate-ukraine", f"/web/scenarios/{UA}/simulate?experiment=1&runs=3", "Simulation"),
    ("scenario-harbour", f"/web/scenarios/{HARBOUR}", "Saltmere Harbour"),
    ("plan-harbour", f"/web/scenarios/{HARBOUR}/plan?base=mediators-draft", "Plan editor"),
    ("analysis-harbour", f"/web/scenarios/{HARBOUR}/analysis?x=FC&y=TC&draft=mediators-draft",
     "Analysis"),
    ("rooms-login", "/web/rooms", "Mediation rooms"),
]
