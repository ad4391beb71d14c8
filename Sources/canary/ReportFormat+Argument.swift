import ArgumentParser
import CanaryCore

extension ReportFormat: ExpressibleByArgument {}
