"""Benefits realisation and carbon: the benefits register, profiles, actuals and the benefits tracker."""
