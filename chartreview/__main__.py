from chartreview.cli import main

main()
