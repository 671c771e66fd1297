module example.com/l96user

go 1.26
