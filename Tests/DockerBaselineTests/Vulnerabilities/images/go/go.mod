module example.com/hello

go 1.19

require golang.org/x/text v0.3.7
