"""Reads across domains, composed above them: the benefits at risk when a work package's schedule
slips (delivery says what moves, the benefits register what each moved work package plans). The
domains below never import each other; this package imports their selectors directly."""
