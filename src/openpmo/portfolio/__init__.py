"""The programme register: programme, pillars, strands, work packages and strategic priorities."""
