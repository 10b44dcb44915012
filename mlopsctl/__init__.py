"""mlopsctl: the platform team's command line (plan, access, onboard, cost, diagram, handbook)."""
