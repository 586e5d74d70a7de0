/// Interprets a Go `strconv.ParseBool` value as dockerd and the docker CLI do.
func parseGoBool(_ value: String) -> Bool? {
    switch value {
    case "1", "t", "T", "true", "TRUE", "True": true
    case "0", "f", "F", "false", "FALSE", "False": false
    default: nil
    }
}
