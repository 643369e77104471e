package dev.orderhub.connector;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The connector boundary: a connector (connectors/&lt;name&gt;/, package dev.orderhub.connectors.*)
 * uses of the core only the SPI and toolkit in dev.orderhub.connector, and the core never uses
 * a connector, so a connector's folder can be deleted and the hub still builds.
 */
class ConnectorBoundaryTest {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.orderhub");

    private static final DescribedPredicate<JavaClass> CORE_OUTSIDE_THE_SPI = new DescribedPredicate<>(
            "a core class outside dev.orderhub.connector") {
        @Override
        public boolean test(JavaClass type) {
            String name = type.getPackageName();
            return name.startsWith("dev.orderhub") && !name.equals("dev.orderhub.connector")
                    && !name.startsWith("dev.orderhub.connector.") && !name.startsWith("dev.orderhub.connectors");
        }
    };

    @Test
    void connectorsUseOnlyTheSpiAndTheToolkit() {
        noClasses().that().resideInAPackage("dev.orderhub.connectors..")
                .should().dependOnClassesThat(CORE_OUTSIDE_THE_SPI)
                .because("a connector reaches the core only through dev.orderhub.connector (connectors/README.md)")
                .allowEmptyShould(true) // a hub with every connector folder deleted has none
                .check(MAIN);
    }

    @Test
    void theCoreNeverUsesAConnector() {
        noClasses().that().resideOutsideOfPackage("dev.orderhub.connectors..")
                .should().dependOnClassesThat().resideInAPackage("dev.orderhub.connectors..")
                .because("deleting a connector's folder must leave a hub that builds")
                .check(MAIN);
    }

    @Test
    void theSpiAndToolkitDependOnNoCoreFeature() {
        noClasses().that().resideInAPackage("dev.orderhub.connector..")
                .should().dependOnClassesThat(CORE_OUTSIDE_THE_SPI)
                .because("the SPI is what connectors see; it must not drag the core's internals along")
                .check(MAIN);
    }
}
