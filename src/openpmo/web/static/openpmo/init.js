import { initAll } from '/static/govuk/govuk-frontend.min.js'
initAll()
import { initAll as initMoj } from '/static/moj/moj-frontend.min.js'
initMoj()
